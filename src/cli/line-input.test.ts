// openLineInput: plain and gzip files, and stdin (plain and gzip, recognised by its magic bytes)
// read through a real pipe stream in this process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openLineInput } from './line-input.js';

const text = 'first line\nsecond line é\r\nthird\n';
const want = ['first line', 'second line é', 'third'];

async function collect(file: string, stdin?: PassThrough): Promise<string[]> {
  const out: string[] = [];
  for await (const l of openLineInput(file, stdin).lines()) out.push(l);
  return out;
}

/** Lines read by openLineInput('-') from a stdin stream given `chunks`, written after a tick. */
function viaStdin(...chunks: Buffer[]): Promise<string[]> {
  const stdin = new PassThrough();
  setImmediate(() => {
    for (const c of chunks) stdin.write(c);
    stdin.end();
  });
  return collect('-', stdin);
}

describe('openLineInput', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lw-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a plain file and a gzip file to the same lines', async () => {
    writeFileSync(path.join(dir, 'a.log'), text);
    writeFileSync(path.join(dir, 'a.log.gz'), gzipSync(text));
    expect(await collect(path.join(dir, 'a.log'))).toEqual(want);
    expect(await collect(path.join(dir, 'a.log.gz'))).toEqual(want);
    expect(openLineInput(path.join(dir, 'a.log.gz')).gzip).toBe(true);
  });
  it('reads stdin, plain or gzip (by its magic bytes, in one chunk or several), and empty stdin', async () => {
    expect(await viaStdin(Buffer.from(text))).toEqual(want);
    expect(await viaStdin(gzipSync(text))).toEqual(want);
    const z = gzipSync(text);
    expect(await viaStdin(z.subarray(0, 10), z.subarray(10))).toEqual(want);
    expect(await viaStdin()).toEqual([]);
  });
  it('names a missing file', () => {
    expect(() => openLineInput(path.join(dir, 'nope.log'))).toThrow(/nope\.log: cannot read/);
  });
});
