/**
 * One `field:value` or bare term to a typed node. The field's kind (fields.ts) decides what a
 * value may look like; anything else is an error naming the field and the accepted forms.
 */
import { SEVERITY_NUMBER } from '../core/event.js';
import type { QueryNode, CompareOp } from './ast.js';
import { TIME_FIELD } from './ast.js';
import { resolveField, TIME_SHORTHANDS } from './fields.js';
import type { QueryField } from './fields.js';
import { formatIp, isHostname, parseCidr, parseIp } from '../core/ip.js';
import type { Token, WordChar } from './lexer.js';
import { queryError } from './query-error.js';

type TermToken = Extract<Token, { kind: 'term' }>;

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const RELATIVE = /^(?:now)?(?:-(\d{1,9})([smhdw]))?$/;
const ABSOLUTE =
  /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const COMPARE = /^(>=|<=|>|<)(.+)$/s;
const LEVELS = Object.entries(SEVERITY_NUMBER) as Array<[string, number]>;

interface Ctx {
  readonly src: string;
  readonly nowMs: number;
}

function fail(ctx: Ctx, t: TermToken, reason: string): never {
  throw queryError(ctx.src, t.pos, t.raw, reason);
}

function parseTime(ctx: Ctx, t: TermToken, text: string): number {
  const rel = RELATIVE.exec(text);
  if (rel !== null && text !== '') {
    return rel[1] === undefined
      ? ctx.nowMs
      : ctx.nowMs - Number(rel[1]) * (UNIT_MS[rel[2] as string] as number);
  }
  const abs = ABSOLUTE.exec(text);
  if (abs !== null) {
    // A time without an offset is read as UTC: logwarden stores and shows UTC only.
    const iso = abs[2] !== undefined && abs[3] === undefined ? `${text}Z` : text;
    const ms = Date.parse(iso);
    const day = new Date(Date.parse(abs[1] as string));
    if (!Number.isNaN(ms) && day.toISOString().slice(0, 10) === abs[1]) return ms;
  }
  return fail(
    ctx,
    t,
    `"${text}" is not a time: use RFC 3339 (2026-11-27T10:00:00Z), a date (2026-11-27) or a relative time (-15m, -1h, -7d, now)`,
  );
}

function parseNumber(ctx: Ctx, t: TermToken, f: QueryField, text: string): number {
  if (f.kind === 'time') return parseTime(ctx, t, text);
  if (NUMBER.test(text)) return Number(text);
  return fail(ctx, t, `${f.name} expects a number (404, >=400, 400..499, 4xx), got "${text}"`);
}

/** Numbers and times: exact, comparison, range, status class. */
function ordered(ctx: Ctx, t: TermToken, f: QueryField, text: string): QueryNode {
  const position = t.pos;
  const field = f.name;
  const cls = /^([1-9])xx$/i.exec(text);
  if (cls !== null && f.kind === 'number') {
    const base = Number(cls[1]) * 100;
    return { type: 'range', field, from: base, to: base + 99, position };
  }
  const cmp = COMPARE.exec(text);
  if (cmp !== null) {
    return {
      type: 'compare',
      field,
      op: cmp[1] as CompareOp,
      value: parseNumber(ctx, t, f, cmp[2] as string),
      position,
    };
  }
  const dots = text.indexOf('..');
  if (dots >= 0) {
    const lo = text.slice(0, dots);
    const hi = text.slice(dots + 2);
    if (lo === '' && hi === '')
      fail(ctx, t, `empty range in ${field}: give at least one end (400..499, 400.., ..499)`);
    if (lo === '')
      return { type: 'compare', field, op: '<=', value: parseNumber(ctx, t, f, hi), position };
    if (hi === '')
      return { type: 'compare', field, op: '>=', value: parseNumber(ctx, t, f, lo), position };
    const from = parseNumber(ctx, t, f, lo);
    const to = parseNumber(ctx, t, f, hi);
    if (from > to) fail(ctx, t, `range ${text} in ${field} is empty: the start is after the end`);
    return { type: 'range', field, from, to, position };
  }
  if (f.kind === 'time') {
    // A single time is a point; people mean "from then on" only with after:, so be explicit.
    fail(
      ctx,
      t,
      `${field} needs a comparison or a range (time:>=-1h, time:2026-11-01..2026-11-02), or use after:/before:`,
    );
  }
  return { type: 'match', field, value: parseNumber(ctx, t, f, text), position };
}

function severity(ctx: Ctx, t: TermToken, text: string): QueryNode {
  const cmp = COMPARE.exec(text);
  const level = (cmp === null ? text : (cmp[2] as string)).toUpperCase();
  const n = SEVERITY_NUMBER[level as keyof typeof SEVERITY_NUMBER];
  if (n === undefined) {
    fail(ctx, t, `unknown severity "${level}": use one of ${LEVELS.map(([l]) => l).join(', ')}`);
  }
  if (cmp === null) return { type: 'match', field: 'severity', value: level, position: t.pos };
  const op = cmp[1] as CompareOp;
  const keep = LEVELS.filter(([, v]) =>
    op === '>=' ? v >= n : op === '>' ? v > n : op === '<=' ? v <= n : v < n,
  );
  return { type: 'in', field: 'severity', values: keep.map(([l]) => l), position: t.pos };
}

function wildcardParts(chars: readonly WordChar[]): Array<string | { wildcard: '*' | '?' }> {
  const parts: Array<string | { wildcard: '*' | '?' }> = [];
  let lit = '';
  for (const c of chars) {
    if (!c.escaped && (c.ch === '*' || c.ch === '?')) {
      if (lit !== '') parts.push(lit);
      lit = '';
      parts.push({ wildcard: c.ch });
    } else lit += c.ch;
  }
  if (lit !== '') parts.push(lit);
  return parts;
}

function fold(f: QueryField, s: string): string {
  return f.fold === 'upper' ? s.toUpperCase() : f.fold === 'lower' ? s.toLowerCase() : s;
}

function fieldTerm(ctx: Ctx, t: TermToken, typed: string): QueryNode {
  const shorthand = TIME_SHORTHANDS[typed];
  const text = t.value.quoted ? t.value.text : t.value.chars.map((c) => c.ch).join('');
  if (shorthand !== undefined) {
    return {
      type: 'compare',
      field: TIME_FIELD,
      op: shorthand,
      value: parseTime(ctx, t, text),
      position: t.pos,
    };
  }
  const f = resolveField(typed);
  if (f === undefined) {
    fail(
      ctx,
      t,
      `unknown field "${typed}" (to search the text itself, quote it: "${t.raw.replace(/"/g, '')}")`,
    );
  }
  const chars = t.value.quoted ? [] : t.value.chars;
  const hasWildcard = chars.some((c) => !c.escaped && (c.ch === '*' || c.ch === '?'));
  if (hasWildcard && chars.length === 1 && chars[0]?.ch === '*') {
    return { type: 'exists', field: f.name, position: t.pos };
  }
  switch (f.kind) {
    case 'number':
    case 'time':
      return ordered(ctx, t, f, text);
    case 'severity':
      return severity(ctx, t, text);
    case 'address': {
      if (hasWildcard)
        return { type: 'wildcard', field: f.name, parts: wildcardParts(chars), position: t.pos };
      if (text.includes('/')) {
        const net = parseCidr(text);
        if (net === undefined)
          fail(ctx, t, `"${text}" is not a network: use 10.0.0.0/8 or 2001:db8::/32`);
        const norm = `${formatIp(net)}/${net.prefix}`;
        return {
          type: 'cidr',
          field: f.name,
          version: net.version,
          bytes: net.bytes,
          prefix: net.prefix,
          text: norm,
          position: t.pos,
        };
      }
      const ip = parseIp(text);
      if (ip !== undefined)
        return { type: 'match', field: f.name, value: formatIp(ip), position: t.pos };
      // an address field holds what the log said, sometimes a host name (PAM's rhost=), stored
      // lower-cased (core normalizeAddress); a dotted one is searched the same way
      if (text.includes('.') && isHostname(text))
        return { type: 'match', field: f.name, value: text.toLowerCase(), position: t.pos };
      fail(
        ctx,
        t,
        `${f.name} expects an IP address, a CIDR network, a host name or a wildcard, got "${text}"`,
      );
    }
    default:
      if (hasWildcard) {
        const parts = wildcardParts(chars).map((p) => (typeof p === 'string' ? fold(f, p) : p));
        return { type: 'wildcard', field: f.name, parts, position: t.pos };
      }
      return { type: 'match', field: f.name, value: fold(f, text), position: t.pos };
  }
}

function textTerm(ctx: Ctx, t: TermToken): QueryNode {
  if (t.value.quoted) {
    if (!/[\p{L}\p{N}]/u.test(t.value.text))
      fail(ctx, t, 'nothing to search: full-text search ignores punctuation and spaces');
    return { type: 'text', text: t.value.text, phrase: true, prefix: false, position: t.pos };
  }
  const chars = t.value.chars;
  const stars = chars.filter((c) => !c.escaped && c.ch === '*').length;
  const last = chars[chars.length - 1];
  const prefix = stars === 1 && last !== undefined && !last.escaped && last.ch === '*';
  if (stars > 0 && !prefix) {
    if (stars === chars.length) return { type: 'and', children: [] };
    fail(
      ctx,
      t,
      `full-text search supports "*" only at the end of a word (admin*); for a field use field:pat*tern`,
    );
  }
  const text = (prefix ? chars.slice(0, -1) : chars).map((c) => c.ch).join('');
  if (!/[\p{L}\p{N}]/u.test(text))
    fail(ctx, t, 'nothing to search: full-text search ignores punctuation and spaces');
  return { type: 'text', text, phrase: false, prefix, position: t.pos };
}

/** Type one term token; negation is applied by the caller. */
export function termNode(src: string, nowMs: number, t: TermToken): QueryNode {
  const ctx = { src, nowMs };
  return t.field === undefined ? textTerm(ctx, t) : fieldTerm(ctx, t, t.field);
}
