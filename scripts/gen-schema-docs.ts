/**
 * Generator of docs/schema.md from EVENT_FIELDS, FIELD_DOCS and the vocabulary. Checked like
 * docs/errors.md by src/core/docs.test.ts; regenerate with `UPDATE_DOCS=1 npx vitest run src/core/docs.test.ts`.
 */
import { EVENT_FIELDS } from '../src/core/event.js';
import { FIELD_DOCS } from '../src/core/field-docs.js';
import { VOCABULARY, VOCABULARY_EVENT_NAMES } from '../src/core/vocabulary.js';
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
  ].join('\n');
}
