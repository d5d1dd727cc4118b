// openLineInput: plain and gzip files, and stdin (plain and gzip, recognised by its magic bytes)
// read through a stream in this process, and through a real pipe from a child process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openLineInput, type LineInput } from './line-input.js';

const text = 'first line\nsecond line é\r\nthird\n';
const want = ['first line', 'second line é', 'third'];

async function collectFrom(input: LineInput): Promise<string[]> {
  const out: string[] = [];
  for await (const l of input.lines()) out.push(l);
  return out;
}

const collect = (file: string, stdin?: PassThrough): Promise<string[]> =>
  collectFrom(openLineInput(file, stdin));

/** Lines read by openLineInput('-') from a stdin stream given `chunks`, written after a tick. */
function viaStdin(...chunks: Buffer[]): Promise<string[]> {
  const stdin = new PassThrough();
  setImmediate(() => {
    for (const c of chunks) stdin.write(c);
    stdin.end();
  });
  return collect('-', stdin);
}

/**
 * A child process whose stdout (a real pipe) carries `body`: its first byte alone, the rest only
 * once we have seen that byte arrive as a chunk of its own and answered on the child's stdin.
 */
function pipeFirstByteAlone(body: Buffer) {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const b = Buffer.from(process.argv[1], 'base64');
       process.stdout.write(b.subarray(0, 1));
       process.stdin.once('data', () => process.stdout.end(b.subarray(1)));`,
      body.toString('base64'),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const firstChunk = new Promise<Buffer>((resolve) => {
    child.stdout.once('data', (c: Buffer) => {
      resolve(c);
      child.stdin.end('go');
    });
  });
  return { stdout: child.stdout, firstChunk, exited: once(child, 'exit') };
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
  it('recognises gzip on stdin when a real pipe delivers the first byte alone', async () => {
    const p = pipeFirstByteAlone(gzipSync(text));
    const lines = collectFrom(openLineInput('-', p.stdout));
    // The case under test really happened: the first chunk read was the one byte 0x1f.
    expect([...(await p.firstChunk)]).toEqual([0x1f]);
    expect(await lines).toEqual(want);
    expect((await p.exited)[0]).toBe(0);
  });
  it('reads one byte of stdin as one line of text', async () => {
    expect(await viaStdin(Buffer.from('x'))).toEqual(['x']);
  });
  it('names a missing file', () => {
    expect(() => openLineInput(path.join(dir, 'nope.log'))).toThrow(/nope\.log: cannot read/);
  });
});
