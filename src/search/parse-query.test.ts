import { describe, expect, it } from 'vitest';
import { LogwardenError } from '../core/errors.js';
import type { QueryNode } from './ast.js';
import { QUERY_FIELDS } from './fields.js';
import { parseQuery, QUERY_LIMITS } from './parse-query.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const p = (q: string): QueryNode => parseQuery(q, { nowMs: NOW });

function strip(n: QueryNode): unknown {
  // Positions are checked separately; compare shapes here.
  return JSON.parse(JSON.stringify(n, (k, v: unknown) => (k === 'position' ? undefined : v)));
}

function err(q: string): LogwardenError {
  try {
    p(q);
  } catch (e) {
    expect(e).toBeInstanceOf(LogwardenError);
    return e as LogwardenError;
  }
  throw new Error(`query ${JSON.stringify(q)} parsed but should not have`);
}

describe('parseQuery: fields and aliases', () => {
  it('resolves aliases to schema names', () => {
    expect(strip(p('ip:203.0.113.9'))).toEqual({
      type: 'match',
      field: 'client.address',
      value: '203.0.113.9',
    });
    expect(strip(p('user:alice'))).toEqual({ type: 'match', field: 'user.id', value: 'alice' });
    expect(strip(p('name:authn_login_fail'))).toEqual({
      type: 'match',
      field: 'event.name',
      value: 'authn_login_fail',
    });
    expect(strip(p('event.name:authz_fail'))).toEqual({
      type: 'match',
      field: 'event.name',
      value: 'authz_fail',
    });
    expect(strip(p('status:404'))).toEqual({
      type: 'match',
      field: 'http.response.status_code',
      value: 404,
    });
    expect(strip(p('source:web-1'))).toEqual({ type: 'match', field: 'source', value: 'web-1' });
    expect(strip(p('attributes.tenant:acme'))).toEqual({
      type: 'match',
      field: 'attributes.tenant',
      value: 'acme',
    });
  });

  it('searches an address field for a host name, lower-cased as stored (PAM rhost= names hosts)', () => {
    expect(strip(p('ip:dsl-23.Example.net'))).toEqual({
      type: 'match',
      field: 'client.address',
      value: 'dsl-23.example.net',
    });
  });

  it('folds case where the core normalizes it', () => {
    expect(strip(p('method:post'))).toEqual({
      type: 'match',
      field: 'http.request.method',
      value: 'POST',
    });
    expect(strip(p('outcome:FAILURE'))).toEqual({
      type: 'match',
      field: 'event.outcome',
      value: 'failure',
    });
    expect(strip(p('severity:warn'))).toEqual({ type: 'match', field: 'severity', value: 'WARN' });
  });

  it('quoted values are exact, wildcards and presence are not', () => {
    expect(strip(p('path:"/a b*"'))).toEqual({ type: 'match', field: 'url.path', value: '/a b*' });
    expect(strip(p('path:/admin*'))).toEqual({
      type: 'wildcard',
      field: 'url.path',
      parts: ['/admin', { wildcard: '*' }],
    });
    expect(strip(p('path:/a\\*b?'))).toEqual({
      type: 'wildcard',
      field: 'url.path',
      parts: ['/a*b', { wildcard: '?' }],
    });
    expect(strip(p('user:*'))).toEqual({ type: 'exists', field: 'user.id' });
  });

  it('numbers: comparisons, ranges, classes', () => {
    expect(strip(p('status:>=400'))).toEqual({
      type: 'compare',
      field: 'http.response.status_code',
      op: '>=',
      value: 400,
    });
    expect(strip(p('status:400..499'))).toEqual({
      type: 'range',
      field: 'http.response.status_code',
      from: 400,
      to: 499,
    });
    expect(strip(p('status:5xx'))).toEqual({
      type: 'range',
      field: 'http.response.status_code',
      from: 500,
      to: 599,
    });
    expect(strip(p('status:..299'))).toEqual({
      type: 'compare',
      field: 'http.response.status_code',
      op: '<=',
      value: 299,
    });
  });

  it('times: relative and absolute', () => {
    expect(strip(p('after:-1h'))).toEqual({
      type: 'compare',
      field: 'time',
      op: '>=',
      value: NOW - 3_600_000,
    });
    expect(strip(p('after:-7d'))).toEqual({
      type: 'compare',
      field: 'time',
      op: '>=',
      value: NOW - 7 * 86_400_000,
    });
    expect(strip(p('before:2026-11-27T10:00:00Z'))).toEqual({
      type: 'compare',
      field: 'time',
      op: '<',
      value: Date.parse('2026-11-27T10:00:00Z'),
    });
    expect(strip(p('time:2026-11-01..2026-11-02'))).toEqual({
      type: 'range',
      field: 'time',
      from: Date.parse('2026-11-01T00:00:00Z'),
      to: Date.parse('2026-11-02T00:00:00Z'),
    });
    // No offset means UTC, never the machine's zone.
    expect(strip(p('after:2026-11-27T10:00'))).toEqual({
      type: 'compare',
      field: 'time',
      op: '>=',
      value: Date.parse('2026-11-27T10:00:00Z'),
    });
  });

  it('CIDR for IPv4 and IPv6, host bits zeroed', () => {
    expect(strip(p('ip:10.1.2.3/8'))).toEqual({
      type: 'cidr',
      field: 'client.address',
      version: 4,
      bytes: [10, 0, 0, 0],
      prefix: 8,
      text: '10.0.0.0/8',
    });
    const v6 = p('ip:2001:db8::/32');
    expect(v6).toMatchObject({ type: 'cidr', version: 6, prefix: 32, text: '2001:db8::/32' });
    expect(strip(p('ip:2001:DB8:0:0:0:0:0:1'))).toEqual({
      type: 'match',
      field: 'client.address',
      value: '2001:db8::1',
    });
  });

  it('severity comparisons become sets of levels', () => {
    expect(strip(p('severity:>=WARN'))).toEqual({
      type: 'in',
      field: 'severity',
      values: ['WARN', 'ERROR', 'CRITICAL'],
    });
    expect(strip(p('severity:<warn'))).toEqual({
      type: 'in',
      field: 'severity',
      values: ['DEBUG', 'INFO'],
    });
  });
});

describe('parseQuery: text and boolean structure', () => {
  it('bare words and phrases are full-text terms', () => {
    expect(strip(p('"sql syntax"'))).toEqual({
      type: 'text',
      text: 'sql syntax',
      phrase: true,
      prefix: false,
    });
    expect(strip(p('admin*'))).toEqual({
      type: 'text',
      text: 'admin',
      phrase: false,
      prefix: true,
    });
    expect(strip(p('héllo'))).toEqual({
      type: 'text',
      text: 'héllo',
      phrase: false,
      prefix: false,
    });
  });

  it('precedence NOT > AND > OR, implicit AND, -term', () => {
    expect(strip(p('a b OR c'))).toEqual({
      type: 'or',
      children: [
        {
          type: 'and',
          children: [
            { type: 'text', text: 'a', phrase: false, prefix: false },
            { type: 'text', text: 'b', phrase: false, prefix: false },
          ],
        },
        { type: 'text', text: 'c', phrase: false, prefix: false },
      ],
    });
    expect(strip(p('a AND (b OR c)'))).toMatchObject({
      type: 'and',
      children: [{ type: 'text' }, { type: 'or' }],
    });
    expect(strip(p('NOT a b'))).toMatchObject({
      type: 'and',
      children: [{ type: 'not' }, { type: 'text', text: 'b' }],
    });
    expect(strip(p('-user:bob'))).toEqual({
      type: 'not',
      child: { type: 'match', field: 'user.id', value: 'bob' },
    });
    expect(strip(p('-(a OR b)'))).toMatchObject({ type: 'not', child: { type: 'or' } });
    // Lower-case words are words, not operators.
    expect(strip(p('a or b'))).toMatchObject({ type: 'and', children: [{}, {}, {}] });
  });

  it('an empty query matches everything', () => {
    expect(p('')).toEqual({ type: 'and', children: [] });
    expect(p('   ')).toEqual({ type: 'and', children: [] });
  });

  it('records the position of each term', () => {
    const n = p('a  status:500') as Extract<QueryNode, { type: 'and' }>;
    expect(n.children.map((c) => ('position' in c ? c.position : -1))).toEqual([0, 3]);
  });
});

describe('parseQuery: errors point at the token', () => {
  const cases: Array<[string, number, string, RegExp]> = [
    ['status:abc', 0, 'status:abc', /expects a number/],
    ['a stauts:500', 2, 'stauts:500', /unknown field "stauts"/],
    ['ip:10.0.0.0/33', 0, 'ip:10.0.0.0/33', /not a network/],
    ['ip:hello', 0, 'ip:hello', /expects an IP address/],
    ['ip:10.0.0.300', 0, 'ip:10.0.0.300', /expects an IP address, a CIDR network, a host name/],
    ['after:yesterday', 0, 'after:yesterday', /not a time/],
    ['a (b', 2, '(', /never closed/],
    ['a )', 2, ')', /unexpected "\)"/],
    ['a AND', 2, 'AND', /expected a term after AND/],
    ['"open', 0, '"', /unterminated quote/],
    ['severity:loud', 0, 'severity:loud', /unknown severity/],
    ['path:', 0, 'path:', /missing value/],
    ['ad*min', 0, 'ad*min', /only at the end/],
    ['status:500..400', 0, 'status:500..400', /empty/],
    ['()', 0, '()', /empty parentheses/],
  ];
  for (const [q, position, token, msg] of cases) {
    it(`${q} -> ${msg.source}`, () => {
      const e = err(q);
      expect(e.code).toBe('LW_QUERY_INVALID');
      expect(e.details).toEqual({ position, token });
      expect(e.message).toMatch(msg);
      // The caret line sits under the token.
      const lines = e.message.split('\n');
      expect(lines[1]).toBe(`  ${q}`);
      expect(lines[2]?.indexOf('^')).toBe(2 + position);
    });
  }

  it('refuses hostile sizes with a clear error', () => {
    expect(err('a'.repeat(QUERY_LIMITS.maxLength + 1)).message).toMatch(/longer than/);
    expect(err('('.repeat(40) + 'a' + ')'.repeat(40)).message).toMatch(/nests deeper/);
    expect(err(Array.from({ length: 201 }, (_, i) => `w${i}`).join(' ')).message).toMatch(
      /more than 200 terms/,
    );
  });

  it('echoes control characters neutralized', () => {
    const e = err('status:\u001b[31m');
    expect(e.message).not.toMatch(/\u001b/);
  });
});

describe('QUERY_FIELDS', () => {
  it('lists each alias once, with kinds', () => {
    const names = QUERY_FIELDS.flatMap((f) => [f.name, ...f.aliases]);
    expect(new Set(names).size).toBe(names.length);
    expect(QUERY_FIELDS.find((f) => f.name === 'client.address')).toMatchObject({
      kind: 'address',
      aliases: ['ip', 'src', 'client'],
    });
    expect(QUERY_FIELDS.find((f) => f.name === 'time')?.kind).toBe('time');
  });

  it('every listed field and alias parses', () => {
    for (const f of QUERY_FIELDS) {
      for (const n of [f.name, ...f.aliases]) expect(() => p(`${n}:*`)).not.toThrow();
    }
  });
});
