import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogwardenError } from '../../core/errors.js';
import type { SecurityEvent } from '../../core/event.js';
import { QUERY_FIELDS } from '../../search/fields.js';
import { parseQuery } from '../../search/parse-query.js';
import { openSqliteStore } from './index.js';
import type { SqliteStore } from './index.js';
import { mulberry32 } from '../../../test/helpers/prng.js';

const names = QUERY_FIELDS.flatMap((f) => [f.name, ...f.aliases]).concat([
  'after',
  'before',
  'attributes.k',
  'nope',
]);
const values = [
  '1',
  '404',
  '>=400',
  '<5',
  '4xx',
  '400..499',
  '..3',
  '*',
  'a*',
  '?b',
  '"q x"',
  '"',
  '10.0.0.0/8',
  '::1',
  '2001:db8::/32',
  '-1h',
  'now',
  '2026-11-27',
  'WARN',
  '>=warn',
  "'",
  ';',
  '%',
  '_',
  '[',
  ']',
  '\\*',
  'é',
  '"a\\"b"',
  'NEAR',
  'OR',
  'x"y',
  '(',
  ')',
  '',
  '..',
];
const words = [
  'AND',
  'OR',
  'NOT',
  '(',
  ')',
  '-',
  '"',
  'foo',
  'ba*',
  '"two words"',
  '*',
  '\\',
  ':',
  '-x',
  "'",
  'ü',
];

function randomQuery(r: () => number): string {
  const n = 1 + Math.floor(r() * 6);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    if (r() < 0.55) {
      const f = names[Math.floor(r() * names.length)] as string;
      const v = values[Math.floor(r() * values.length)] as string;
      parts.push(`${r() < 0.15 ? '-' : ''}${f}:${v}`);
    } else parts.push(words[Math.floor(r() * words.length)] as string);
  }
  return parts.join(r() < 0.8 ? ' ' : '');
}

describe('query language fuzz: parse errors are clean, parsed queries always run', () => {
  let store: SqliteStore;
  beforeAll(async () => {
    store = openSqliteStore({ path: ':memory:' });
    const events = Array.from({ length: 30 }, (_, i): SecurityEvent => ({
      id: `fuzz-${i}`,
      time: new Date(Date.UTC(2026, 10, 27, 0, i)).toISOString(),
      'event.name': i % 2 ? 'log' : 'http_request',
      message: `foo bar ${i} "two words" ü`,
      'client.address': i % 3 ? `10.0.0.${i}` : '2001:db8::1',
      'http.response.status_code': 200 + i * 10,
      'log.redactions': ['field:password'],
      attributes: { k: `v${i}` },
    }));
    await store.append(
      events.map((event) => ({ event, body: JSON.stringify(event), source: 'fuzz' })),
    );
  });
  afterAll(() => store.close());

  it('2,000 random queries', () => {
    const seed = Number(process.env.LW_FUZZ_SEED ?? 20261127);
    const r = mulberry32(seed);
    let parsed = 0;
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const q = randomQuery(r);
      let filter;
      try {
        filter = parseQuery(q, { nowMs: Date.UTC(2026, 10, 27, 12) });
      } catch (e) {
        expect(e, `seed ${seed} query ${JSON.stringify(q)}`).toBeInstanceOf(LogwardenError);
        const err = e as LogwardenError;
        expect(err.code).toBe('LW_QUERY_INVALID');
        const pos = err.details?.position as number;
        expect(pos >= 0 && pos <= q.length, `position in range for ${JSON.stringify(q)}`).toBe(
          true,
        );
        rejected++;
        continue;
      }
      expect(
        () => store.query({ filter, limit: 50 }),
        `seed ${seed} query ${JSON.stringify(q)}`,
      ).not.toThrow();
      parsed++;
    }
    // The generator must exercise both paths, or this test proves nothing.
    expect(parsed).toBeGreaterThan(200);
    expect(rejected).toBeGreaterThan(200);
  });
});
