/**
 * The receiver interface (STYLE habit 2: tiny): `send` one message, `close` at shutdown. A failed
 * send throws LW_DELIVERY_FAILED with `details.retryAfterMs` when the peer said when to come back
 * (HTTP Retry-After, RFC 9110 §10.2.3); the outbox retries. Receivers never log secrets: errors
 * name the receiver and the status, never the URL's credentials or keys.
 */
import { LogwardenError } from '../../core/errors.js';
import type { NotificationMessage } from '../message.js';

export interface SendContext {
  /** Stable per outbox row: receivers pass it on as an idempotency key. */
  readonly deliveryId: string;
  readonly nowMs: number;
  readonly dashboardUrl: string;
}

export interface Receiver {
  readonly name: string;
  readonly type: string;
  send(m: NotificationMessage, ctx: SendContext): Promise<void>;
  close(): Promise<void>;
}

export function deliveryError(
  receiver: string,
  message: string,
  retryAfterMs?: number,
  cause?: unknown,
): LogwardenError {
  return new LogwardenError('LW_DELIVERY_FAILED', `receiver ${receiver}: ${message}`, {
    ...(cause !== undefined ? { cause } : {}),
    ...(retryAfterMs !== undefined ? { details: { retryAfterMs } } : {}),
  });
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), capped at one hour. */
export function parseRetryAfter(v: string | null, nowMs: number): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  const ms = Number.isFinite(n) ? n * 1000 : Date.parse(v) - nowMs;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 3_600_000) : undefined;
}

/** POST a body; a non-2xx answer or a network error throws LW_DELIVERY_FAILED. */
export async function postJson(
  receiver: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutSecs: number,
  nowMs: number,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'logwarden', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutSecs * 1000),
      redirect: 'error',
    });
  } catch (e) {
    const c = (e as { cause?: { code?: string } }).cause?.code;
    throw deliveryError(receiver, `POST failed: ${c ?? (e as Error).name}`, undefined, e);
  }
  const text = await res.text().catch(() => '');
  if (res.status >= 200 && res.status < 300) return;
  throw deliveryError(
    receiver,
    `HTTP ${res.status}${text ? `: ${text.slice(0, 200).replace(/[\r\n]+/g, ' ')}` : ''}`,
    parseRetryAfter(res.headers.get('retry-after'), nowMs),
  );
}
