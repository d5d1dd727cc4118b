// The reference docs are generated; this fails when they drift from the code (STYLE habit 15).
// The committed files are the generator output as prettier formats it (tables aligned).
// Regenerate: UPDATE_DOCS=1 npx vitest run src/core/docs.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderErrorDocs } from '../../scripts/gen-error-docs.js';
import { renderSchemaDocs } from '../../scripts/gen-schema-docs.js';
import { ERROR_CATALOG } from './errors.js';
import { EVENT_FIELDS } from './event.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe.each([
  ['docs/errors.md', renderErrorDocs],
  ['docs/schema.md', renderSchemaDocs],
])('%s', (file, render) => {
  it('matches its generator', async () => {
    const abs = path.join(repo, file);
    const want = await format(render(), { ...(await resolveConfig(abs)), filepath: abs });
    if (process.env.UPDATE_DOCS === '1') writeFileSync(abs, want);
    expect(
      readFileSync(abs, 'utf8'),
      `${file} is stale: regenerate with UPDATE_DOCS=1 npx vitest run src/core/docs.test.ts`,
    ).toBe(want);
  });
});

it('every error code and every field appears in the docs', () => {
  const errors = renderErrorDocs();
  for (const code of Object.keys(ERROR_CATALOG)) expect(errors).toContain(`\`${code}\``);
  const schema = renderSchemaDocs();
  for (const [f] of EVENT_FIELDS) expect(schema).toContain(`\`${f}\``);
});
