/**
 * The convention for test events carried by rules (`logwarden rules test` runs them).
 *
 * Inside a rule document, a custom top-level attribute (Sigma allows custom attributes):
 * ```yaml
 * tests:
 *   - name: union select in the query
 *     event: { event.name: http_request, url.query: "id=1 union select 1" }
 *     match: true
 *   - name: five failures in a minute
 *     events:
 *       - { time: 2026-11-27T09:00:00Z, event.name: authn_login_fail, user.name: bob }
 *       - ...
 *     matches: 1          # exact number of times the rule fires
 * ```
 * or beside the rule file in `<rule>.tests.yaml`: documents of `{ rule: <id|name|title>, tests: [...] }`
 * (`rule` may be omitted when the rule file holds one rule). Events use logwarden's own schema
 * (dotted field names), so the tests also exercise the field mappings.
 *
 * For correlations, an event may carry `_repeat: N` to stand for N copies, where `{i}` in its
 * string values becomes the copy number (0..N-1); events without `time` are `interval` apart
 * (default 1s) from the test's start.
 */
import { isYamlMap } from './yaml-source.js';
import type { YamlValue } from './yaml-source.js';
import type { RuleTestCase } from './types.js';

export function parseTestCases(v: YamlValue | undefined, where: string): RuleTestCase[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${where}: 'tests' must be a list`);
  return v.map((t, i) => {
    const at = `${where}: tests[${i}]`;
    if (!isYamlMap(t)) throw new Error(`${at} must be a map`);
    const name = typeof t['name'] === 'string' ? t['name'] : `test ${i + 1}`;
    const rawEvents = t['events'] ?? (t['event'] === undefined ? undefined : [t['event']]);
    if (!Array.isArray(rawEvents) || rawEvents.length === 0)
      throw new Error(`${at} needs 'event' or a non-empty 'events' list`);
    const events = rawEvents.flatMap((e, j) => {
      if (!isYamlMap(e)) throw new Error(`${at}.events[${j}] must be a map of event fields`);
      const { _repeat: rep, ...fields } = e;
      if (rep === undefined) return [typedEvent(fields)];
      const n = Number(rep);
      if (typeof rep !== 'string' || !Number.isInteger(n) || n < 1 || n > 100_000) {
        throw new Error(`${at}.events[${j}]._repeat must be a whole number from 1 to 100000`);
      }
      return Array.from({ length: n }, (_, i) => typedEvent(fields, i));
    });
    let intervalMs: number | undefined;
    if (t['interval'] !== undefined) {
      const m = typeof t['interval'] === 'string' ? /^(\d+)(ms|s|m|h)$/.exec(t['interval']) : null;
      if (!m) throw new Error(`${at}.interval must look like 500ms, 10s, 5m or 1h`);
      intervalMs =
        Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    }
    const expect: { match?: boolean; matches?: number } = {};
    if (t['match'] !== undefined) {
      if (t['match'] !== 'true' && t['match'] !== 'false')
        throw new Error(`${at}.match must be true or false`);
      expect.match = t['match'] === 'true';
    }
    if (t['matches'] !== undefined) {
      const n = Number(t['matches']);
      if (typeof t['matches'] !== 'string' || !Number.isInteger(n) || n < 0)
        throw new Error(`${at}.matches must be a whole number`);
      expect.matches = n;
    }
    if (expect.match === undefined && expect.matches === undefined)
      throw new Error(`${at} needs 'match' or 'matches'`);
    const flush = t['flush'] === undefined ? undefined : t['flush'] === 'true';
    return {
      name,
      events,
      expect,
      ...(flush === undefined ? {} : { flush }),
      ...(intervalMs === undefined ? {} : { intervalMs }),
    };
  });
}

/** Event fields as our schema types them: the numeric fields of the schema become numbers. */
function typedEvent(e: { [key: string]: YamlValue }, copy?: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(e)) {
    const v =
      copy !== undefined && typeof raw === 'string' ? raw.replaceAll('{i}', String(copy)) : raw;
    out[k] =
      typeof v === 'string' && NUMERIC.has(k) && v.trim() !== '' && Number.isFinite(Number(v))
        ? Number(v)
        : v;
  }
  return out;
}

const NUMERIC = new Set([
  'http.response.status_code',
  'http.response.body.bytes',
  'http.server.duration_ms',
  'server.port',
  'client.port',
  'severity_number',
]);
