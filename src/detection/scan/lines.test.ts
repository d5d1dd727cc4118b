import {
  createReadStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { readLines } from './lines.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function viaReadline(file: string): Promise<string[]> {
  const out: string[] = [];
  const rl = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  for await (const l of rl) out.push(l);
  return out;
}

function inTwoRanges(file: string, cut: number): string[] {
  const size = statSync(file).size;
  const out: string[] = [];
  const whole = readFileSync(file);
  // Every line comes with its bytes and their file position: decoding them, or the file's bytes
  // there, gives the line back.
  const onLine = (l: string, bytes: Buffer, from: number, to: number, pos: number): void => {
    const back = bytes.toString('utf8', from, to);
    const inFile = whole.toString('utf8', pos + from, pos + to);
    out.push(
      back === l && inFile === l
        ? l
        : `bytes ${JSON.stringify(back)}, file ${JSON.stringify(inFile)} for ${JSON.stringify(l)}`,
    );
  };
  readLines(file, 0, cut, onLine);
  readLines(file, cut, size, onLine);
  return out;
}

describe('readLines', () => {
  it('gives readline’s lines, wherever the file is cut into two ranges', async () => {
    const cases = [
      '',
      'a',
      'a\n',
      'a\nb',
      'a\r\nb\r\n',
      'a\rb\n',
      'a\r\r\nb',
      '\n\n\nx\n',
      'é\n\u00ff\ud83d\ude00\nz',
      'abc\r',
      'x\r\ry',
    ];
    for (const [i, c] of cases.entries()) {
      const f = path.join(dir, `c${i}.txt`);
      writeFileSync(f, c);
      const want = await viaReadline(f);
      for (let cut = 0; cut <= statSync(f).size; cut++)
        expect(inTwoRanges(f, cut), `${JSON.stringify(c)} cut at ${cut}`).toEqual(want);
    }
  });

  it('reads lines longer than its buffer, across range cuts', async () => {
    const f = path.join(dir, 'long.txt');
    const lines = ['short', 'x'.repeat(3_000_000), 'mid', 'y'.repeat((1 << 20) - 1), 'end'];
    writeFileSync(f, lines.join('\n'));
    for (const cut of [0, 3, 6, 7, 1_000_000, 3_000_006, 3_000_007, statSync(f).size])
      expect(inTwoRanges(f, cut).map((l) => l.length)).toEqual(lines.map((l) => l.length));
  });

  it('covers a file exactly once however many ranges it is cut into, and can stop early', () => {
    const f = path.join(dir, 'many.txt');
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'z'.repeat(i % 97)}`);
    writeFileSync(f, lines.join('\n') + '\n');
    const size = statSync(f).size;
    for (const n of [1, 3, 64, 999]) {
      const got: string[] = [];
      for (let i = 0; i < n; i++)
        readLines(f, Math.floor((size * i) / n), Math.floor((size * (i + 1)) / n), (l) => {
          got.push(l);
        });
      expect(got).toEqual(lines);
    }
    const first: string[] = [];
    readLines(f, 0, size, (l) => {
      first.push(l);
      return first.length < 10;
    });
    expect(first).toEqual(lines.slice(0, 10));
  });
});
