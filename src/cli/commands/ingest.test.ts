/**
 * `logwarden ingest` as a real process against a temporary data directory (compiled dist/,
 * as `npm test` builds first).
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(repoRoot, 'dist/cli/main.js');
const FIXTURES = path.join(repoRoot, 'test/fixtures/logs');
const haveDist = existsSync(CLI);
if (!haveDist) console.warn(`ingest CLI tests skipped: ${CLI} is missing (run npm run build)`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        resolve({
          code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1,
          stdout,
          stderr,
        });
      },
    );
  });
}

interface Row {
  file: string;
  format: string;
  lines: number;
  parsed: Record<string, number>;
  unparsed: number;
  rejected: number;
  stored: number;
  duplicates: number;
}

describe.skipIf(!haveDist)('logwarden ingest', () => {
  const data = path.join(dir, 'data');
  const auth = path.join(dir, 'auth.log');
  copyFileSync(path.join(FIXTURES, 'auth.log'), auth);
  const mixed = path.join(dir, 'mixed.log');
  writeFileSync(
    mixed,
    `${readFileSync(path.join(FIXTURES, 'access-combined.log'), 'utf8')}not a log line at all\n`,
  );
  const gz = path.join(dir, 'auth.log.2.gz');
  writeFileSync(gz, gzipSync(readFileSync(path.join(FIXTURES, 'auth-iso.log'))));

  it('imports files (gzip too) and summarizes lines, formats, unparsed and stored', async () => {
    const r = await run(['ingest', '--data', data, '--format', 'json', auth, mixed, gz]);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(
      rows.map((x) => [x.format, x.lines, x.unparsed, x.rejected, x.stored, x.duplicates]),
    ).toEqual([
      ['syslog', 10, 0, 0, 10, 0],
      ['access', 7, 1, 0, 7, 0],
      ['syslog', 4, 0, 0, 4, 0],
    ]);
    expect(rows[1]!.parsed).toEqual({ combined: 6 });
    expect(r.stderr).toMatch(/ingested 21 lines from 3 file\(s\)/);
    const s = await run(['sources', '--data', data, '--format', 'json']);
    const sources = JSON.parse(s.stdout) as { source: string; events: number; unparsed: number }[];
    expect(sources.find((x) => x.source === `file:${mixed}`)).toMatchObject({
      events: 7,
      unparsed: 1,
    });
  });

  it('is idempotent: the same file again stores nothing new', async () => {
    const r = await run(['ingest', '--data', data, '--format', 'json', auth]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Row[])[0]).toMatchObject({
      lines: 10,
      stored: 0,
      duplicates: 10,
    });
  });

  it('names what is wrong: a missing file, an unknown format, a bad zone', async () => {
    const fresh = path.join(dir, 'fresh-data');
    const missing = await run(['ingest', '--data', fresh, auth, path.join(dir, 'nope.log')]);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toContain('nope.log');
    expect(existsSync(fresh)).toBe(false); // nothing was opened or stored
    const fmt = await run(['ingest', '--data', data, '--log-format', 'bogus', auth]);
    expect(fmt.code).toBe(64);
    expect(fmt.stderr).toContain('"bogus"');
    const tz = await run(['ingest', '--data', data, '--timezone', 'Mars/Base', auth]);
    expect(tz.code).toBe(64);
    expect(tz.stderr).toContain('Mars/Base');
  });
});
