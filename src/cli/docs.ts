/**
 * docs/cli.md, generated from the commander program itself (every command's --help, with its
 * examples). A test fails when the committed file is stale.
 */
import type { Command } from 'commander';
import type { CliIO } from './io.js';
import { createProgram } from './program.js';

function walk(cmd: Command, prefix: string[]): { path: string[]; cmd: Command }[] {
  const here = { path: [...prefix, cmd.name()], cmd };
  return [here, ...cmd.commands.flatMap((c) => walk(c, here.path))];
}

export async function renderCliDocs(): Promise<string> {
  let buffer = '';
  const io: CliIO = { out: (t) => (buffer += t), err: (t) => (buffer += t), columns: 100, env: {} };
  const program = await createProgram(io);
  const lines = [
    '# Command-line reference',
    '',
    '<!-- Generated from src/cli (renderCliDocs). Do not edit: run `npm run build && node dist/cli/docs-main.js > docs/cli.md`. -->',
    '',
    'Conventions: `--data DIR` (default `./data`, or `storage.path` from the config), `--config FILE`,',
    '`--format table|json|ndjson` and `--limit N` on commands that print results. Errors print',
    '`error LW_CODE: message` on stderr (a JSON object with `--format json`) and exit with the code below.',
    '',
    'Exit codes come from the error catalog (`ERROR_CATALOG[code].exit`, see `src/core/errors.ts`):',
    '0 success, 64 usage, 65 bad input, 66 not found, 74 store, 75 busy/unavailable, 77 auth, 78 config.',
    '',
  ];
  for (const { path, cmd } of walk(program, [])) {
    buffer = '';
    cmd.outputHelp();
    lines.push(`## \`${path.join(' ')}\``, '', '```text', buffer.trimEnd(), '```', '');
  }
  return lines.join('\n');
}
