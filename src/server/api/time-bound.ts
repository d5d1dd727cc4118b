import { LogwardenError } from '../../core/errors.js';

const UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parse a time bound for `after`/`before`: relative (`-15m`, `-1h`, `-7d`), RFC 3339, or epoch ms.
 *
 * @example parseTimeBound('-1h', Date.parse('2026-01-01T01:00:00Z')) // Date.parse('2026-01-01T00:00:00Z')
 */
export function parseTimeBound(text: string, nowMs: number, what = 'time'): number {
  const rel = /^-(\d+)([smhdw])$/.exec(text.trim());
  if (rel) return nowMs - Number(rel[1]) * (UNITS[rel[2] as string] as number);
  if (/^\d{10,16}$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  throw new LogwardenError(
    'LW_USAGE',
    `${what} ${JSON.stringify(text)}: expected a relative time (-15m, -1h, -7d), an RFC 3339 time or epoch milliseconds`,
  );
}
