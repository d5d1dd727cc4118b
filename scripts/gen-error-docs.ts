/**
 * Generator of docs/errors.md from ERROR_CATALOG (STYLE habit 6: the error docs are tested against
 * the catalog). src/core/docs.test.ts fails when the committed file differs from this output
 * (after prettier); regenerate with `UPDATE_DOCS=1 npx vitest run src/core/docs.test.ts`.
 */
import { ERROR_CATALOG } from '../src/core/errors.js';

export const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** docs/errors.md: every error code with its meaning, CLI exit code and HTTP status. */
export function renderErrorDocs(): string {
  const rows = Object.entries(ERROR_CATALOG).map(
    ([code, spec]) => `| \`${code}\` | ${spec.exit} | ${spec.http} | ${cell(spec.summary)} |`,
  );
  return [
    '# Error codes',
    '',
    '<!-- Generated from src/core/errors.ts by scripts/gen-error-docs.ts. Do not edit by hand. -->',
    '',
    'Every error logwarden raises carries one of these codes (`LogwardenError.code`). The CLI exits',
    'with the exit code; the HTTP API answers with the status and a body `{"code", "message"}`.',
    '',
    '| code | exit | HTTP | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
