// openLineInput: plain and gzip files, and stdin (plain and gzip, recognised by magic bytes),
// read through a real child process so stdin is a real pipe.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openLineInput } from './line-input.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// the child runs the built module (`npm test` builds first; stdin must be a real pipe)
const built = path.resolve(here, '../../dist/cli/line-input.js');
const noBuild = existsSync(built)
  ? false
  : `no build at ${built}: run npm run build (npm test does)`;
const text = 'first line\nsecond line é\r\nthird\n';
const want = ['first line', 'second line é', 'third'];

async function collect(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const l of openLineInput(file).lines()) out.push(l);
  return out;
}

/** Lines read by openLineInput('-') in a child process whose stdin is `input`. */
function viaStdin(input: Buffer): string[] {
  const script = `
    import { openLineInput } from ${JSON.stringify(built)};
    const out = [];
    for await (const l of openLineInput('-').lines()) out.push(l);
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    input,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

if (noBuild) console.warn(`skipping the stdin test: ${noBuild}`);

describe('openLineInput', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lw-lines-'));
  it('reads a plain file and a gzip file to the same lines', async () => {
    writeFileSync(path.join(dir, 'a.log'), text);
    writeFileSync(path.join(dir, 'a.log.gz'), gzipSync(text));
    expect(await collect(path.join(dir, 'a.log'))).toEqual(want);
    expect(await collect(path.join(dir, 'a.log.gz'))).toEqual(want);
    expect(openLineInput(path.join(dir, 'a.log.gz')).gzip).toBe(true);
  });
  it.skipIf(noBuild)('reads stdin, plain or gzip (by its magic bytes), and empty stdin', () => {
    expect(viaStdin(Buffer.from(text))).toEqual(want);
    expect(viaStdin(gzipSync(text))).toEqual(want);
    expect(viaStdin(Buffer.alloc(0))).toEqual([]);
  });
  it('names a missing file', () => {
    expect(() => openLineInput(path.join(dir, 'nope.log'))).toThrow(/nope\.log: cannot read/);
  });
});
