import { describe, expect, it } from 'vitest';
import { requestIdsFrom } from './request-id.js';

describe('request ids', () => {
  it('prefers a sane X-Request-Id', () => {
    expect(requestIdsFrom('abc-123', undefined).requestId).toBe('abc-123');
  });
  it('uses the W3C traceparent trace id', () => {
    const r = requestIdsFrom(undefined, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(r).toEqual({
      requestId: '4bf92f3577b34da6a3ce929d0e0e4736',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
  });
  it('generates one for missing, forged or invalid headers', () => {
    for (const [rid, tp] of [
      [undefined, undefined],
      ['evil\r\nX-Injected: 1', undefined],
      ['x'.repeat(200), '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ] as const) {
      const r = requestIdsFrom(rid, tp);
      expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.traceId).toBeUndefined();
    }
  });
});
