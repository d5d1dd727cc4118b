/**
 * Generator of docs/schema.md from EVENT_FIELDS, FIELD_DOCS and the vocabulary. Checked like
 * docs/errors.md by src/core/docs.test.ts; regenerate with `UPDATE_DOCS=1 npx vitest run src/core/docs.test.ts`.
 */
import { EVENT_FIELDS } from '../src/core/event.js';
import { FIELD_DOCS } from '../src/core/field-docs.js';
import { VOCABULARY, VOCABULARY_EVENT_NAMES } from '../src/core/vocabulary.js';
import { DEFAULT_LIMITS } from '../src/core/prepare.js';
import { DEFAULT_REDACT_FIELDS } from '../src/core/redact.js';
import { BUILTIN_PATTERNS } from '../src/core/redact-patterns.js';
import { cell } from './gen-error-docs.js';

/** docs/schema.md: the field table and the OWASP vocabulary table. */
export function renderSchemaDocs(): string {
  const fields = EVENT_FIELDS.map(([name, kind]) => {
    const d = FIELD_DOCS[name];
    return `| ${d.group} | \`${name}\` | ${kind} | ${cell(d.meaning)} | \`${cell(d.example)}\` |`;
  });
  const vocab = VOCABULARY_EVENT_NAMES.map((n) => {
    const e = VOCABULARY[n];
    const params = e.params.map((p) => `${p.name}→\`${p.field}\``).join(', ');
    return `| \`${n}\` | ${e.category} | ${e.level} | ${e.outcome} | ${params} | ${cell(e.description)} |`;
  });
  return [
    '# Event schema',
    '',
    '<!-- Generated from src/core/event.ts, field-docs.ts and vocabulary.ts by scripts/gen-schema-docs.ts. Do not edit by hand. -->',
    '',
    'One flat JSON object per event, dotted keys (OpenTelemetry names where one exists). The table',
    'order is the canonical order in which stored JSON is written (these bytes are what the ledger',
    'hashes). Anything else goes under `attributes`; an unknown top-level field is an error that',
    'names it. Every string is redacted (secrets) and neutralized (CWE-117: control characters,',
    'ANSI escapes, Unicode line separators and bidi controls are escaped visibly) before storage.',
    '',
    '| group | field | type | meaning | example |',
    '|---|---|---|---|---|',
    ...fields,
    '',
    '## OWASP Logging Vocabulary',
    '',
    `All ${VOCABULARY_EVENT_NAMES.length} events of the OWASP Logging Vocabulary Cheat Sheet. Level is the cheat`,
    "sheet's; outcome is the default when the sender gives none. Parameters are in the cheat sheet's",
    'order (the order of `name:p1,p2` in the OWASP JSON format) with the field each fills.',
    '',
    '| event | category | level | outcome | parameters | description |',
    '|---|---|---|---|---|---|',
    ...vocab,
    '',
    '## Normalization',
    '',
    '| input | stored as |',
    '|---|---|',
    '| `time`: RFC 3339 with any offset or fraction, `T`/`t`/space; epoch ms; epoch s (numbers below 1e11); digit strings | UTC RFC 3339 with milliseconds; impossible dates (Feb 30, month 13, hour 24) are errors; absent = `observed_time` |',
    '| `client.address`, `server.address`: IPv4, IPv6, `ip:port`, `[v6]:port`, host name | canonical IP (RFC 5952; IPv4-mapped IPv6 as IPv4; zone kept) or lower-cased host name; the port goes to `client.port`/`server.port` unless given |',
    '| `http.request.method` | upper case; must be an RFC 9110 token |',
    '| `url.path` containing `?`, or `url.full` | split into `url.path` and `url.query` (`url.full` also fills `server.address`/`server.port`; it is not stored) |',
    '| numbers as digit strings (`status`, ports, bytes) | integers, range-checked (status 100-599, ports 0-65535) |',
    '| `severity` aliases (warning, fatal, err, ...) | DEBUG, INFO, WARN, ERROR or CRITICAL; `severity_number` derived |',
    '| `event.name` in any case | lower case |',
    '| `id` absent | a new UUIDv7; any UUID given is kept (lower-cased) |',
    '| numeric `user.id` and other string fields given as numbers | their decimal text |',
    '',
    '## Redaction (never stored)',
    '',
    'Applied to every event, counted in `log.redactions`. Keys inside `attributes` (any depth) whose',
    'name, lower-cased without `-`, `_`, `.`, matches one of these are replaced by `[REDACTED:<key>]`',
    '(`password`, `passwd`, `passphrase`, `secret`, `privatekey`, `creditcard`, `cardnumber` also',
    'inside a longer key, `token`, `apikey`, `authorization`, `cookie` at its end):',
    '',
    DEFAULT_REDACT_FIELDS.map((f) => `\`${f}\``).join(', '),
    '',
    'Patterns applied to every string (the secret is replaced by a `[REDACTED:…]` marker; the list entry is `pattern:<name>`):',
    '',
    '| name | finds |',
    '|---|---|',
    ...BUILTIN_PATTERNS.map((p) => `| \`${p.name}\` | ${cell(p.description ?? '')} |`),
    '',
    '`session.id` is stored as `sha256:` + 32 hex digits of its SHA-256 (or `hmac-sha256:` with a key).',
    '',
    '## Limits (defaults, configurable)',
    '',
    '| limit | default |',
    '|---|---|',
    ...Object.entries(DEFAULT_LIMITS).map(([k, v]) => `| \`${k}\` | ${v} |`),
    '',
  ].join('\n');
}
