/**
 * Generic webhook: the message as JSON, signed. Verification recipe (docs/alerting.md):
 * `expected = hex(HMAC-SHA256(secret, X-Logwarden-Timestamp + "." + raw body))`, compare with
 * the part of X-Logwarden-Signature after `sha256=` in constant time, and refuse timestamps
 * older than five minutes (replay). X-Logwarden-Delivery is stable across retries (idempotency).
 */
import { createHmac } from 'node:crypto';
import type { WebhookReceiverConfig } from '../types.js';
import type { Receiver } from './receiver.js';
import { postJson } from './receiver.js';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function createWebhookReceiver(c: WebhookReceiverConfig): Receiver {
  return {
    name: c.name,
    type: 'webhook',
    async send(m, ctx) {
      const body = JSON.stringify({ version: 1, delivery_id: ctx.deliveryId, ...m });
      const ts = String(Math.floor(ctx.nowMs / 1000));
      const headers: Record<string, string> = {
        ...c.headers,
        'x-logwarden-delivery': ctx.deliveryId,
        'x-logwarden-timestamp': ts,
      };
      if (c.secret !== undefined)
        headers['x-logwarden-signature'] = signWebhook(c.secret, ts, body);
      await postJson(c.name, c.url, body, headers, c.timeout_secs, ctx.nowMs);
    },
    close: async () => {},
  };
}
