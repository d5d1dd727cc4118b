/**
 * The SDK's decision client against a real loopback collector stand-in: it blocks what
 * GET /v1/decisions lists, lets a block end at its expiry without a poll, keeps the last known set
 * while the collector fails (fail static, counted), and refuses bad options at creation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDecisionClient } from '../../src/sdk/decisions.js';
import { cleanup, httpPeer } from './helpers.js';

afterEach(cleanup);

describe('SDK decision client', () => {
  it('answers isBlocked from the polled set, honours expiry locally, and fails static', async () => {
    let t = 1_000_000;
    let fail = false;
    let auth = '';
    const peer = await httpPeer((r) => {
      auth = String(r.headers.authorization);
      if (fail) return { status: 503 };
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          decisions: [
            { type: 'ban_ip', value: '198.51.100.7', expires_ms: t + 5_000 },
            { type: 'lock_user', value: 'carol', expires_ms: t + 60_000 },
            { type: 'ban_ip', value: 'garbage' },
          ],
        }),
      };
    });
    const c = createDecisionClient({
      endpoint: peer.url,
      token: 'read-token',
      pollIntervalMs: 60_000,
      now: () => t,
    });
    try {
      await c.refresh();
      expect(auth).toBe('Bearer read-token');
      expect(c.isBlocked('198.51.100.7', undefined)).toBe(true);
      expect(c.isBlocked('::ffff:198.51.100.7', undefined)).toBe(true);
      expect(c.isBlocked('198.51.100.8', 'carol')).toBe(true);
      expect(c.isBlocked('198.51.100.8', 'dave')).toBe(false);
      expect(c.isBlocked(undefined, undefined)).toBe(false);
      t += 5_000; // expired, no poll needed
      expect(c.isBlocked('198.51.100.7', undefined)).toBe(false);
      fail = true;
      await c.refresh();
      expect(c.stats.pollErrors).toBe(1);
      expect(c.stats.lastError).toBe('HTTP 503');
      expect(c.isBlocked(undefined, 'carol')).toBe(true); // last known set kept
    } finally {
      c.close();
    }
  });

  it('refuses bad options at creation with a coded error', () => {
    expect(() => createDecisionClient({ endpoint: 'ftp://x', token: 't' })).toThrow(
      /decisions endpoint: expected an http\(s\) URL/,
    );
    expect(() => createDecisionClient({ endpoint: 'http://127.0.0.1:1', token: '' })).toThrow(
      /read-scope token/,
    );
    expect(() =>
      createDecisionClient({ endpoint: 'http://127.0.0.1:1', token: 't', pollIntervalMs: 10 }),
    ).toThrow(/at least 250/);
  });
});
