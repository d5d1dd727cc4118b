/**
 * Split a request body into items: a JSON array, one JSON object, or NDJSON. A malformed NDJSON
 * line is an error for that item only; a malformed JSON document fails the request (there are no
 * item boundaries to keep), with the byte position of the fault.
 */
import { isUtf8 } from 'node:buffer';
import { LogwardenError } from '../../core/errors.js';
import { jsonErrorOffset } from './json-error-offset.js';

export type BodyFormat = 'json' | 'ndjson';

/** One item of a batch; `line` (1-based) is set for NDJSON so errors can point at the line. */
export type ItemSlot =
  | { readonly ok: true; readonly value: unknown; readonly line?: number }
  | {
      readonly ok: false;
      readonly line?: number;
      readonly field: string;
      readonly reason: string;
      readonly limit?: string;
    };

export interface DecodeLimits {
  readonly maxItemBytes: number;
  readonly maxBatchItems: number;
}

/** The body format for a Content-Type header; undefined when unsupported. */
export function bodyFormatOf(contentType: string | undefined): BodyFormat | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (
    type === 'application/x-ndjson' ||
    type === 'application/jsonl' ||
    type === 'application/ndjson'
  )
    return 'ndjson';
  return undefined;
}

/** Offset of the first byte that is not valid UTF-8 (only called when isUtf8 said false). */
export function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    const n =
      b < 0x80
        ? 1
        : b >= 0xc2 && b <= 0xdf
          ? 2
          : b >= 0xe0 && b <= 0xef
            ? 3
            : b >= 0xf0 && b <= 0xf4
              ? 4
              : 0;
    if (n === 0 || i + n > buf.length || !isUtf8(buf.subarray(i, i + n))) return i;
    i += n;
  }
  return buf.length;
}

function tooManyItems(count: number, max: number): LogwardenError {
  return new LogwardenError(
    'LW_BODY_TOO_LARGE',
    `batch has ${count} items, over server.max_batch_items (${max}); split it into smaller requests`,
    { details: { limit: 'server.max_batch_items', value: max, items: count } },
  );
}

function jsonErrorPosition(text: string): number {
  return Buffer.byteLength(text.slice(0, jsonErrorOffset(text)), 'utf8');
}

function parseLine(line: string, bytes: number, limits: DecodeLimits): ItemSlot {
  if (bytes > limits.maxItemBytes) {
    return {
      ok: false,
      field: '(item)',
      reason: `item is ${bytes} bytes, over server.max_item_bytes (${limits.maxItemBytes})`,
      limit: 'server.max_item_bytes',
    };
  }
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch (e) {
    return { ok: false, field: '(item)', reason: `malformed JSON: ${(e as Error).message}` };
  }
}

/** Byte length, computed only when the string length alone cannot decide (UTF-8: 1-3 bytes per UTF-16 unit). */
function byteLength(line: string, max: number): number {
  if (line.length > max || line.length * 3 <= max) return line.length;
  return Buffer.byteLength(line, 'utf8');
}

function decodeNdjson(body: Buffer, limits: DecodeLimits): ItemSlot[] {
  const slots: ItemSlot[] = [];
  let lineNo = 0;
  const push = (slot: ItemSlot) => {
    slots.push({ ...slot, line: lineNo });
    if (slots.length > limits.maxBatchItems) throw tooManyItems(slots.length, limits.maxBatchItems);
  };
  if (isUtf8(body)) {
    // Fast path: one decode for the whole body.
    for (const raw of body.toString('utf8').split('\n')) {
      lineNo++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      push(parseLine(line, byteLength(line, limits.maxItemBytes), limits));
    }
    return slots;
  }
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    const lineBuf = body.subarray(start, end > start && body[end - 1] === 0x0d ? end - 1 : end);
    start = end + 1;
    lineNo++;
    if (isUtf8(lineBuf)) {
      const line = lineBuf.toString('utf8');
      if (line.trim() === '') continue;
      push(parseLine(line, lineBuf.length, limits));
    } else {
      push({
        ok: false,
        field: '(item)',
        reason: `invalid UTF-8 at byte ${firstInvalidUtf8(lineBuf)} of the line`,
      });
    }
  }
  return slots;
}

function decodeJson(body: Buffer, limits: DecodeLimits): ItemSlot[] {
  if (!isUtf8(body)) {
    throw new LogwardenError(
      'LW_BODY_MALFORMED',
      `request body is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(body)})`,
    );
  }
  const text = body.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const position = jsonErrorPosition(text);
    throw new LogwardenError(
      'LW_BODY_MALFORMED',
      `malformed JSON at byte ${position}: ${message}`,
      {
        details: { position },
      },
    );
  }
  if (Array.isArray(doc)) {
    if (doc.length > limits.maxBatchItems) throw tooManyItems(doc.length, limits.maxBatchItems);
    return doc.map((value) => ({ ok: true, value }));
  }
  if (doc !== null && typeof doc === 'object') return [{ ok: true, value: doc }];
  throw new LogwardenError(
    'LW_BODY_MALFORMED',
    `expected a JSON object or an array of objects, got ${doc === null ? 'null' : typeof doc}`,
  );
}

/**
 * @example decodeItems(Buffer.from('{"a":1}\n{"b":2}\n'), 'ndjson', limits) // two ok slots
 * @throws LW_BODY_MALFORMED (JSON only), LW_BODY_TOO_LARGE (too many items)
 */
export function decodeItems(body: Buffer, format: BodyFormat, limits: DecodeLimits): ItemSlot[] {
  return format === 'ndjson' ? decodeNdjson(body, limits) : decodeJson(body, limits);
}
