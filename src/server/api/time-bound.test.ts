import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './read-routes.js';
import { parseTimeBound } from './time-bound.js';

describe('parseTimeBound', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  it('reads relative, RFC 3339 and epoch ms', () => {
    expect(parseTimeBound('-1h', now)).toBe(now - 3_600_000);
    expect(parseTimeBound('-15m', now)).toBe(now - 900_000);
    expect(parseTimeBound('-7d', now)).toBe(now - 7 * 86_400_000);
    expect(parseTimeBound('2026-11-27T11:00:00+01:00', now)).toBe(
      Date.parse('2026-11-27T10:00:00Z'),
    );
    expect(parseTimeBound('1795773983595', now)).toBe(1795773983595);
  });
  it('names the option and the bad value', () => {
    expect(() => parseTimeBound('yesterday', now, '--after')).toThrow(/--after "yesterday"/);
    expect(() => parseTimeBound('2026-13-45', now)).toThrow(/expected a relative time/);
  });
});

describe('cursors', () => {
  it('round-trip and refuse forged values', () => {
    expect(decodeCursor(encodeCursor(41))).toBe(41);
    expect(() => decodeCursor('bm9wZQ')).toThrow(/not one this server issued/);
  });
});
