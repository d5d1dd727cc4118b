import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LogwardenError } from '../../core/errors.js';
import { createInflightBudget } from './budget.js';
import { bodyFormatOf, decodeItems, firstInvalidUtf8 } from './decode-items.js';
import { jsonErrorOffset } from './json-error-offset.js';
import { readBody } from './read-body.js';

const limits = { maxItemBytes: 100, maxBatchItems: 3 };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LogwardenError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('decodeItems', () => {
  it('splits NDJSON, skipping blank lines and CRLF endings', () => {
    const slots = decodeItems(Buffer.from('{"a":1}\r\n\n  \n{"b":2}'), 'ndjson', limits);
    expect(slots).toEqual([
      { ok: true, value: { a: 1 }, line: 1 },
      { ok: true, value: { b: 2 }, line: 4 },
    ]);
  });

  it('reports a malformed or oversized line as that item only', () => {
    const big = JSON.stringify({ m: 'x'.repeat(200) });
    const slots = decodeItems(Buffer.from(`{"a":1}\n{nope\n${big}\n`), 'ndjson', limits);
    expect(slots[0]?.ok).toBe(true);
    expect(slots[1]).toMatchObject({ ok: false, reason: expect.stringMatching(/^malformed JSON/) });
    expect(slots[2]).toMatchObject({
      ok: false,
      reason: expect.stringContaining('server.max_item_bytes (100)'),
    });
  });

  it('counts multi-byte characters as bytes for the item limit', () => {
    const line = JSON.stringify({ m: 'é'.repeat(50) }); // 58 characters, 108 bytes
    expect(line.length).toBeLessThanOrEqual(100);
    expect(decodeItems(Buffer.from(line), 'ndjson', limits)[0]?.ok).toBe(false);
  });

  it('keeps valid lines around a line of invalid UTF-8, naming the byte', () => {
    const body = Buffer.concat([
      Buffer.from('{"a":1}\n{"b":"'),
      Buffer.from([0xe2, 0x28, 0xa1]),
      Buffer.from('"}\n{"c":3}'),
    ]);
    const slots = decodeItems(body, 'ndjson', limits);
    expect(slots.map((s) => s.ok)).toEqual([true, false, true]);
    expect(slots[1]).toMatchObject({ reason: 'invalid UTF-8 at byte 6 of the line' });
  });

  it('refuses more items than max_batch_items, for both formats', () => {
    expect(() => decodeItems(Buffer.from('{}\n{}\n{}\n{}\n'), 'ndjson', limits)).toThrow(
      /max_batch_items \(3\)/,
    );
    expect(() => decodeItems(Buffer.from('[{},{},{},{}]'), 'json', limits)).toThrow(/4 items/);
  });

  it('JSON: array, single object, and errors with byte positions', () => {
    expect(decodeItems(Buffer.from('[{"a":1},{"b":2}]'), 'json', limits)).toHaveLength(2);
    expect(decodeItems(Buffer.from('{"a":1}'), 'json', limits)).toHaveLength(1);
    expect(() => decodeItems(Buffer.from('"text"'), 'json', limits)).toThrow(/got string/);
    const text = '[{"é":1}, x]';
    try {
      decodeItems(Buffer.from(text), 'json', limits);
      expect.unreachable();
    } catch (e) {
      const pos = (e as LogwardenError).details?.position as number;
      expect(
        Buffer.from(text)
          .subarray(pos, pos + 1)
          .toString(),
      ).toBe('x');
    }
  });

  it('finds where JSON stops being valid, whatever V8 says', () => {
    const cases: [string, number][] = [
      ['[{"a":1}, x]', 10],
      ['[1,2,', 5],
      ['{"a" 1}', 5],
      ['[1] 2', 4],
      ['{"a":[1,{"b":tru}]}', 13],
      ['["ok", "bad\\x"]', 7],
      ['[' + '['.repeat(5000) + 'x', 5001],
    ];
    for (const [text, at] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      expect(jsonErrorOffset(text), text.slice(0, 30)).toBe(at);
    }
  });

  it('finds the first invalid UTF-8 byte', () => {
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3, 0xa9, 0xff]))).toBe(3);
    expect(firstInvalidUtf8(Buffer.from([0xf0, 0x9f, 0x98]))).toBe(0); // truncated 4-byte sequence
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // UTF-16 surrogate
  });

  it('maps content types', () => {
    expect(bodyFormatOf('application/json; charset=utf-8')).toBe('json');
    expect(bodyFormatOf('application/x-ndjson')).toBe('ndjson');
    expect(bodyFormatOf('text/plain')).toBeUndefined();
    expect(bodyFormatOf(undefined)).toBeUndefined();
  });
});

describe('readBody', () => {
  const stream = (...chunks: Buffer[]) => Readable.from(chunks);

  it('reads plain and gzip bodies', async () => {
    expect(
      (
        await readBody(stream(Buffer.from('ab'), Buffer.from('c')), {
          maxBytes: 10,
          encoding: undefined,
        })
      ).toString(),
    ).toBe('abc');
    const gz = gzipSync(Buffer.from('hello'));
    expect((await readBody(stream(gz), { maxBytes: 100, encoding: 'gzip' })).toString()).toBe(
      'hello',
    );
  });

  it('caps the raw size and the decompressed size (gzip bomb)', async () => {
    expect(
      await codeOf(readBody(stream(Buffer.alloc(11)), { maxBytes: 10, encoding: undefined })),
    ).toMatch(/^LW_BODY_TOO_LARGE: .*max_body_bytes \(10 bytes\)/);
    const bomb = gzipSync(Buffer.alloc(10_000_000));
    expect(bomb.length).toBeLessThan(20_000);
    expect(await codeOf(readBody(stream(bomb), { maxBytes: 20_000, encoding: 'gzip' }))).toMatch(
      /^LW_BODY_TOO_LARGE: decompressed/,
    );
  });

  it('rejects corrupt gzip and unknown encodings', async () => {
    expect(
      await codeOf(readBody(stream(Buffer.from('not gzip')), { maxBytes: 100, encoding: 'gzip' })),
    ).toMatch(/^LW_BODY_MALFORMED/);
    expect(
      await codeOf(readBody(stream(Buffer.from('x')), { maxBytes: 100, encoding: 'br' })),
    ).toMatch(/^LW_UNSUPPORTED_MEDIA: Content-Encoding "br"/);
  });
});

describe('inflight budget', () => {
  it('admits up to the limits, always admits one request when idle, and releases', () => {
    const b = createInflightBudget({ maxBytes: 100, maxEvents: 10 });
    expect(b.tryReserve(500, 0)).toBe(true); // idle: a single oversized request still passes
    expect(b.tryReserve(1, 0)).toBe(false);
    b.release(500, 0);
    expect(b.tryReserve(60, 5)).toBe(true);
    expect(b.tryReserve(60, 0)).toBe(false);
    expect(b.tryReserve(40, 6)).toBe(false);
    expect(b.tryReserve(40, 5)).toBe(true);
    expect([b.bytes, b.events]).toEqual([100, 10]);
  });
});
