import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderCliDocs } from './docs.js';
import { reportError } from './errors.js';
import type { CliIO } from './io.js';
import { ago, parseFormat, renderTable, writeRows } from './output.js';
import { COMMANDS } from './commands/index.js';
import { createProgram, runCli } from './program.js';
import { LogwardenError } from '../core/errors.js';

function capture(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
    columns: undefined,
    env: {},
  };
  return io;
}

describe('output', () => {
  const rows = [
    { name: 'alpha', n: 5, note: 'line\nbreak\u001b[2J' },
    { name: 'a-much-longer-name-than-the-column', n: 12345, note: null },
  ];
  const columns = [
    { header: 'NAME', get: (r: (typeof rows)[number]) => r.name, maxWidth: 12 },
    { header: 'N', get: (r: (typeof rows)[number]) => r.n, align: 'right' as const },
    { header: 'NOTE', get: (r: (typeof rows)[number]) => r.note },
  ];

  it('aligns, truncates with an ellipsis and neutralizes control characters', () => {
    const text = renderTable(rows, columns);
    expect(text.split('\n')).toEqual([
      'NAME              N  NOTE',
      'alpha             5  line break?[2J',
      'a-much-long…  12345',
      '',
    ]);
  });

  it('fits a terminal width by shrinking the widest column', () => {
    const text = renderTable(rows, columns, { width: 28 });
    for (const line of text.trimEnd().split('\n')) expect([...line].length).toBeLessThanOrEqual(28);
  });

  it('writes json and ndjson, passing stored JSON text through untouched', () => {
    const io = capture();
    writeRows(io, rows, {
      format: 'ndjson',
      columns,
      json: (r) => (r.n === 5 ? '{"raw":true}' : { n: r.n }),
    });
    expect(io.stdout).toBe('{"raw":true}\n{"n":12345}\n');
    const j = capture();
    writeRows(j, rows, { format: 'json', columns, json: (r) => ({ n: r.n }) });
    expect(JSON.parse(j.stdout)).toEqual([{ n: 5 }, { n: 12345 }]);
    const empty = capture();
    writeRows(empty, [], { format: 'table', columns, json: () => ({}), empty: 'nothing' });
    expect([empty.stdout, empty.stderr]).toEqual(['', 'nothing\n']);
  });

  it('validates --format and prints ages', () => {
    expect(() => parseFormat('xml')).toThrow(/--format "xml"/);
    expect(ago(0, 59_000)).toBe('59s ago');
    expect(ago(0, 7_200_000)).toBe('2h ago');
  });
});

describe('errors and exit codes', () => {
  it('prints error LW_CODE: message, or JSON, and returns the catalog exit code', () => {
    const io = capture();
    expect(
      reportError(new LogwardenError('LW_CONFIG_INVALID', 'x.yaml: server.listen: bad'), io, false),
    ).toBe(78);
    expect(io.stderr).toBe('error LW_CONFIG_INVALID: x.yaml: server.listen: bad\n');
    const j = capture();
    expect(reportError(new LogwardenError('LW_QUERY_INVALID', 'at 3'), j, true)).toBe(65);
    expect(JSON.parse(j.stderr)).toEqual({ error: { code: 'LW_QUERY_INVALID', message: 'at 3' } });
  });

  it('runCli maps usage errors to 64 and help to 0', async () => {
    const io = capture();
    expect(await runCli(['no-such-command'], io)).toBe(64);
    expect(io.stderr).toMatch(/^error LW_USAGE: unknown command 'no-such-command'/);
    const help = capture();
    expect(await runCli(['tokens', 'create', '--help'], help)).toBe(0);
    expect(help.stdout).toContain('--name <name>');
  });
});

describe('command registry', () => {
  it('loads one command alone exactly as it is in the whole program (a run loads only its command)', async () => {
    const helpOf = (c: Command): string => {
      let text = '';
      c.configureOutput({ writeOut: (t) => (text += t) });
      c.outputHelp();
      return text;
    };
    const full = await createProgram(capture());
    expect(full.commands.map((c) => c.name())).toEqual(Object.keys(COMMANDS));
    for (const name of Object.keys(COMMANDS)) {
      const alone = await createProgram(capture(), name);
      expect(alone.commands.map((c) => c.name())).toEqual([name]);
      expect(helpOf(alone.commands[0]!)).toBe(
        helpOf(full.commands.find((c) => c.name() === name)!),
      );
    }
  });
});

describe('docs/cli.md', () => {
  it('is generated from the program and up to date', async () => {
    const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/cli.md');
    const options = { ...(await resolveConfig(file)), parser: 'markdown' };
    expect(
      await format(readFileSync(file, 'utf8'), options),
      'docs/cli.md is stale: run `npm run build && node dist/cli/docs-main.js > docs/cli.md`',
    ).toBe(await format(await renderCliDocs(), options));
  });
});
