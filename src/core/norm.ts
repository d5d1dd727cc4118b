/** Result type and helpers shared by the normalizers (normalize.ts, ip.ts). */

/**
 * A normalizer result: `{ ok: true, value }` or the reason it failed.
 *
 * @example
 * const r: Norm<string> = normalizeMethod('get'); // { ok: true, value: 'GET' }
 */
export type Norm<T> = { ok: true; value: T } | { ok: false; reason: string };
export const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** A short description of a value for error messages (strings quoted and cut at 40 chars). */
export const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
};
export { describe as describeValue };
