/**
 * Redaction: secrets never reach the store (OWASP Logging Cheat Sheet, "data to exclude";
 * ARCHITECTURE §3). Compiled once into a closure (STYLE habit 8): by field name anywhere inside
 * `attributes`, by pattern in every string, and `session.id` hashed. Every redaction is named and
 * returned, and prepareEvent records the names in `log.redactions`: counted, never silent.
 */
import { createHash, createHmac } from 'node:crypto';
import type { SecurityEvent } from './event.js';
import { LogwardenError } from './errors.js';
import { setOwn } from './own.js';
import type { RedactionPattern } from './redact-patterns.js';
import { BUILTIN_PATTERNS, BUILTIN_PREFILTER } from './redact-patterns.js';

export type { RedactionPattern } from './redact-patterns.js';

/**
 * Default sensitive field names, compared after lower-casing and removing `-`, `_`, `.`, space.
 *
 * @example
 * createRedactor({ fields: [...DEFAULT_REDACT_FIELDS, 'iban'] });
 */
export const DEFAULT_REDACT_FIELDS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'api_key',
  'apikey',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'session',
  'session_id',
  'sessionid',
  'private_key',
  'credit_card',
  'card_number',
  'cardnumber',
  'ccnumber',
  'pan',
  'cvv',
  'cvc',
  'pin',
  'ssn',
];
// Names that also match inside a longer key ("db_password", "password_hash", "client_secret")...
const CONTAINS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'privatekey',
  'creditcard',
  'cardnumber',
];
// ...or at its end ("access_token", "x-api-key", "proxy_authorization"), so "token_id" is kept.
const SUFFIX = ['token', 'apikey', 'authorization', 'cookie'];

/**
 * Redactor options (all optional; the defaults are the secure choice).
 *
 * @example
 * const config: RedactorConfig = { extraFields: ['x-tenant-secret'], extraPatterns: [{ name: 'employee', pattern: 'EMP-\\d{6}' }] };
 */
export interface RedactorConfig {
  /** Replaces the default field-name list (see DEFAULT_REDACT_FIELDS). */
  readonly fields?: readonly string[];
  /** Added to the field-name list. */
  readonly extraFields?: readonly string[];
  /** Field names never redacted even if they match (e.g. `token_count`). */
  readonly allowFields?: readonly string[];
  /** Extra patterns: a string is compiled as a case-insensitive global RegExp. */
  readonly extraPatterns?: ReadonlyArray<{ name: string; pattern: string | RegExp }>;
  /** Turn the built-in patterns off (not recommended). Default true. */
  readonly builtinPatterns?: boolean;
  /** Key for HMAC-SHA-256 of session ids; plain SHA-256 when absent. */
  readonly sessionHashKey?: string;
}

/**
 * A compiled redactor (see createRedactor).
 *
 * @example
 * const names: string[] = [];
 * redactor.redactString('password=hunter2', names); // 'password=[REDACTED:secret]'
 */
export interface Redactor {
  /** Redact in place (the event must be the caller's own copy); returns the names applied. */
  redactEvent(event: SecurityEvent): string[];
  /** Redact one string; returns the new string and pushes applied names into `names`. */
  redactString(s: string, names: string[]): string;
}

const normKey = (k: string): string => k.toLowerCase().replace(/[-_.\s]/g, '');
const HASHED = /^(?:sha256|hmac-sha256):[0-9a-f]{32}$/;
// Fields whose values are produced or strictly validated by the core: no secret can hide there.
/**
 * Per-pattern screens: a string a pattern's guard does not match cannot be changed by that
 * pattern (each guard is a necessary condition of a replacement), so the pattern is not run.
 * The shared prefilter lets through every string with a keyword, and then ran all six patterns:
 * on auth.log ("Failed password for ...") the JWT token scan alone was 5% of prepareEvent
 * (bench/import.mjs profile).
 */
const PATTERN_GUARDS: Readonly<Record<string, { test(s: string): boolean }>> = {
  private_key: { test: (s) => s.includes('PRIVATE KEY') },
  jwt: { test: (s) => s.includes('eyJ') }, // header and payload must start with eyJ
  bearer: /bearer|basic/i,
  aws_key: /A(?:KIA|SIA|GPA|IDA|ROA|IPA|NPA|NVA)/,
  secret_param: /pass|pwd|secret|api[_-]?key|token|session[_-]?id/i,
};

const SKIP = new Set([
  'id',
  'time',
  'observed_time',
  'event.name',
  'event.category',
  'event.outcome',
  'severity',
  'http.request.method',
  'client.address',
  'session.id',
  'log.source',
  'log.format',
  'trace_id',
  'span_id',
]);

/**
 * Build a redactor. Throws LW_CONFIG_INVALID for a bad pattern (fail at init, never at run time).
 *
 * @example
 * const r = createRedactor({ extraFields: ['x-internal-key'] });
 * const names = r.redactEvent(event); // e.g. ['field:attributes.password', 'pattern:card']
 */
export function createRedactor(config: RedactorConfig = {}): Redactor {
  const fieldNames = [
    ...(config.fields ?? DEFAULT_REDACT_FIELDS),
    ...(config.extraFields ?? []),
  ].map(normKey);
  const exact = new Set(fieldNames);
  const contains = config.fields ? [] : CONTAINS;
  // Configured names of 5+ characters also match as a suffix ("api_key" catches "stripe_api_key").
  const suffix = [...(config.fields ? [] : SUFFIX), ...fieldNames.filter((f) => f.length >= 5)];
  const allow = new Set((config.allowFields ?? []).map(normKey));
  const keyCache = new Map<string, boolean>();
  const isSensitiveKey = (key: string): boolean => {
    let hit = keyCache.get(key);
    if (hit === undefined) {
      const k = normKey(key);
      hit =
        !allow.has(k) &&
        (exact.has(k) || contains.some((c) => k.includes(c)) || suffix.some((c) => k.endsWith(c)));
      if (keyCache.size < 10_000) keyCache.set(key, hit);
    }
    return hit;
  };

  const patterns: RedactionPattern[] =
    config.builtinPatterns === false ? [] : [...BUILTIN_PATTERNS];
  const extra: RedactionPattern[] = [];
  for (const p of config.extraPatterns ?? []) {
    let regex: RegExp;
    try {
      regex =
        typeof p.pattern === 'string'
          ? new RegExp(p.pattern, 'gi')
          : new RegExp(
              p.pattern.source,
              p.pattern.flags.includes('g') ? p.pattern.flags : p.pattern.flags + 'g',
            );
    } catch (e) {
      throw new LogwardenError(
        'LW_CONFIG_INVALID',
        `redaction pattern '${p.name}': ${(e as Error).message}`,
        { cause: e },
      );
    }
    if (regex.test(''))
      throw new LogwardenError(
        'LW_CONFIG_INVALID',
        `redaction pattern '${p.name}' matches the empty string`,
      );
    extra.push({ name: p.name, regex });
  }
  const prefilter = config.builtinPatterns === false ? null : BUILTIN_PREFILTER;
  const guards = patterns.map((p) => PATTERN_GUARDS[p.name]);

  function apply(s: string, p: RedactionPattern, names: string[]): string {
    p.regex.lastIndex = 0;
    let hit = false;
    const out = s.replace(p.regex, (...args: unknown[]) => {
      const m = args[0] as string;
      const groups = args.slice(1, -2).map((g) => (g === undefined ? '' : String(g)));
      const r = p.replace ? p.replace(m, ...groups) : `[REDACTED:${p.name}]`;
      if (r === null) return m;
      hit = true;
      return r;
    });
    if (hit) {
      const name = `pattern:${p.name}`;
      if (!names.includes(name)) names.push(name);
    }
    return out;
  }

  function redactString(s: string, names: string[]): string {
    let out = s;
    if (prefilter !== null && prefilter.test(out))
      for (let i = 0; i < patterns.length; i++) {
        const p = patterns[i]!;
        const guard = guards[i];
        if (guard === undefined || guard.test(out)) out = apply(out, p, names);
      }
    for (const p of extra) out = apply(out, p, names);
    return out;
  }

  function redactValue(v: unknown, path: string, names: string[]): unknown {
    if (typeof v === 'string') return redactString(v, names);
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const nv = redactValue(v[i], path, names);
        if (nv !== v[i]) (out ??= v.slice())[i] = nv;
      }
      return out ?? v;
    }
    const obj = v as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const k of Object.keys(obj)) {
      const child = `${path}.${k}`;
      let nv: unknown;
      if (isSensitiveKey(k) && obj[k] !== null && obj[k] !== '') {
        nv = `[REDACTED:${normKey(k)}]`;
        const name = `field:${child}`;
        if (!names.includes(name)) names.push(name);
      } else nv = redactValue(obj[k], child, names);
      if (nv !== obj[k]) setOwn((out ??= { ...obj }), k, nv);
    }
    return out ?? obj;
  }

  const hashSession = (sid: string): string =>
    config.sessionHashKey === undefined
      ? 'sha256:' + createHash('sha256').update(sid).digest('hex').slice(0, 32)
      : 'hmac-sha256:' +
        createHmac('sha256', config.sessionHashKey).update(sid).digest('hex').slice(0, 32);

  return {
    redactString,
    redactEvent(event: SecurityEvent): string[] {
      const names: string[] = [];
      const e = event as unknown as Record<string, unknown>;
      for (const k in e) {
        const v = e[k];
        if (typeof v === 'string' && !SKIP.has(k)) {
          const nv = redactString(v, names);
          if (nv !== v) e[k] = nv;
        }
      }
      if (event.attributes !== undefined)
        event.attributes = redactValue(event.attributes, 'attributes', names) as Record<
          string,
          unknown
        >;
      const sid = event['session.id'];
      if (sid !== undefined && !HASHED.test(sid)) {
        event['session.id'] = hashSession(sid);
        names.push('hash:session.id');
      }
      return names;
    },
  };
}
