/**
 * The binary replication body (`Content-Type: application/vnd.logwarden.replica-batch`), what an
 * origin's forwarder POSTs to /v1/replica/entries: the same fields as the JSON form, but the
 * entries travel as their exact stored bytes, length-prefixed, so neither side builds, escapes
 * or parses one JSON string per entry (docs/ledger.md "Replication protocol").
 *
 *   "LWRB" | version 0x01 | u32 BE header length | header (UTF-8 JSON)
 *     header = { origin, start, count, checkpoint, proof: base64[] }
 *   then `count` frames: u32 BE frame length | frame
 *     frame = 0x00 || body bytes     (an entry: the frame IS the RFC 6962 leaf input, so its
 *                                     leaf hash is SHA-256(frame), hashed in place)
 *           | 0x01 || 32-byte leaf hash   (a body pruned by retention: its leaf hash only)
 *
 * @example
 * const frames = encodeFrames([{ body: Buffer.from('{"id":"a"}'), leafHash }]);
 * const bytes = encodeReplicaBatch({ origin, start: 0, checkpoint, proof: [] }, frames);
 * const b = decodeReplicaBatch(bytes); // b.entries[0].leafHash equals hashLeaf('{"id":"a"}')
 */
import { hash } from 'node:crypto';
import { LogwardenError } from '../core/errors.js';
import { HASH_SIZE } from './merkle.js';
import { decodeBase64Strict } from './note.js';

export const REPLICA_BATCH_CONTENT_TYPE = 'application/vnd.logwarden.replica-batch';
const MAGIC = Buffer.from('LWRB', 'latin1');
const VERSION = 1;
const KIND_BODY = 0x00;
const KIND_LEAF = 0x01;

export interface ReplicaBatchHeader {
  readonly origin: string;
  readonly start: number;
  readonly checkpoint: string;
  readonly proof: readonly Uint8Array[];
}

export interface DecodedEntry {
  /** The stored bytes (a view into the frames), or null for a pruned entry. */
  readonly body: Buffer | null;
  readonly leafHash: Buffer;
}

/** Frames checked and indexed: where each starts, and every entry's leaf hash. */
export interface ScannedFrames {
  readonly count: number;
  /** The frames section, as received (what a replica stores). */
  readonly frames: Buffer;
  /** count + 1 byte offsets into `frames`: frame i is [offsets[i], offsets[i + 1]). */
  readonly offsets: Uint32Array;
  /** count x 32-byte leaf hashes, concatenated. */
  readonly leaves: Buffer;
}

export interface DecodedReplicaBatch extends ReplicaBatchHeader, ScannedFrames {}

/** Frames of `count` entries, ready for encodeReplicaBatch. */
export interface EncodedFrames {
  readonly count: number;
  readonly bytes: Buffer;
}

/** One frame per entry: the body bytes, or the leaf hash when the body was pruned. */
export function encodeFrames(
  entries: readonly { body: Uint8Array | null; leafHash: Uint8Array }[],
): EncodedFrames {
  let total = 0;
  for (const e of entries) total += 5 + (e.body === null ? HASH_SIZE : e.body.length);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const e of entries) {
    const payload = e.body ?? e.leafHash;
    out.writeUInt32BE(payload.length + 1, at);
    out[at + 4] = e.body === null ? KIND_LEAF : KIND_BODY;
    out.set(payload, at + 5);
    at += 5 + payload.length;
  }
  return { count: entries.length, bytes: out };
}

export function encodeReplicaBatch(h: ReplicaBatchHeader, frames: EncodedFrames): Buffer {
  return Buffer.concat(replicaBatchChunks(h, frames));
}

/** The same bytes as encodeReplicaBatch, as [prefix + header, frames]: no copy of the frames. */
export function replicaBatchChunks(h: ReplicaBatchHeader, frames: EncodedFrames): Buffer[] {
  const header = Buffer.from(
    JSON.stringify({
      origin: h.origin,
      start: h.start,
      count: frames.count,
      checkpoint: h.checkpoint,
      proof: h.proof.map((p) => Buffer.from(p).toString('base64')),
    }),
  );
  const pre = Buffer.allocUnsafe(9);
  MAGIC.copy(pre, 0);
  pre[4] = VERSION;
  pre.writeUInt32BE(header.length, 5);
  return [Buffer.concat([pre, header]), frames.bytes];
}

const bad = (msg: string): LogwardenError =>
  new LogwardenError('LW_LEDGER_INVALID', `replication batch: ${msg}`);

/**
 * Check the framing of `count` frames filling `frames` exactly, and index them. With `hashes`
 * (the leaf hashes stored beside them) nothing is hashed; without, each body frame is hashed in
 * place (a frame is 0x00 || body: the RFC 6962 leaf input). Throws LW_LEDGER_INVALID.
 */
export function scanFrames(frames: Buffer, count: number, hashes?: Buffer): ScannedFrames {
  // Each frame takes at least 5 bytes: a count the body cannot hold is refused before allocating.
  if (!Number.isSafeInteger(count) || count < 0 || count > frames.length / 5)
    throw bad(`${count} entries cannot fit in ${frames.length} bytes`);
  if (hashes !== undefined && hashes.length !== count * HASH_SIZE)
    throw bad(`${hashes.length} bytes of leaf hashes for ${count} entries`);
  const offsets = new Uint32Array(count + 1);
  const leaves = hashes ?? Buffer.allocUnsafe(count * HASH_SIZE);
  let at = 0;
  for (let i = 0; i < count; i++) {
    offsets[i] = at;
    if (at + 4 > frames.length) throw bad(`entry ${i}: truncated`);
    const len = frames.readUInt32BE(at);
    const end = at + 4 + len;
    if (len < 1 || end > frames.length)
      throw bad(`entry ${i}: frame length ${len} is out of range`);
    const kind = frames[at + 4];
    if (kind === KIND_BODY) {
      if (hashes === undefined)
        leaves.set(hash('sha256', frames.subarray(at + 4, end), 'buffer'), i * HASH_SIZE);
    } else if (kind === KIND_LEAF && len === 1 + HASH_SIZE) {
      if (hashes === undefined) frames.copy(leaves, i * HASH_SIZE, at + 5, end);
    } else throw bad(`entry ${i}: unknown frame kind ${String(kind)} or length ${len}`);
    at = end;
  }
  if (at !== frames.length) throw bad(`${frames.length - at} bytes after the last entry`);
  offsets[count] = at;
  return { count, frames, offsets, leaves };
}

/** Entry i of scanned frames: its body bytes (null when pruned) and leaf hash. */
export function frameEntry(f: ScannedFrames, i: number): DecodedEntry {
  const at = f.offsets[i]!;
  const leafHash = f.leaves.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  return {
    body: f.frames[at + 4] === KIND_BODY ? f.frames.subarray(at + 5, f.offsets[i + 1]) : null,
    leafHash,
  };
}

/** Parse and check a batch; every entry's leaf hash is computed here. Throws LW_LEDGER_INVALID. */
export function decodeReplicaBatch(buf: Buffer): DecodedReplicaBatch {
  if (buf.length < 9 || !buf.subarray(0, 4).equals(MAGIC)) throw bad('not a replica batch');
  if (buf[4] !== VERSION) throw bad(`unsupported version ${String(buf[4])}`);
  const hlen = buf.readUInt32BE(5);
  if (9 + hlen > buf.length) throw bad('the header runs past the end');
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(buf.toString('utf8', 9, 9 + hlen)) as Record<string, unknown>;
  } catch {
    throw bad('the header is not JSON');
  }
  if (typeof h !== 'object' || h === null || Array.isArray(h))
    throw bad('expected a header object');
  if (typeof h.origin !== 'string' || h.origin === '') throw bad('"origin" must be a string');
  if (typeof h.start !== 'number' || !Number.isSafeInteger(h.start) || h.start < 0)
    throw bad('"start" must be an integer >= 0');
  if (typeof h.count !== 'number' || !Number.isSafeInteger(h.count) || h.count < 0)
    throw bad('"count" must be an integer >= 0');
  if (typeof h.checkpoint !== 'string') throw bad('"checkpoint" must be a signed note');
  if (!Array.isArray(h.proof) || h.proof.some((p) => typeof p !== 'string'))
    throw bad('"proof" must be an array of base64 hashes');
  const proof = (h.proof as string[]).map((p, i) => decodeBase64Strict(p, `proof[${i}]`));
  return {
    origin: h.origin,
    start: h.start,
    checkpoint: h.checkpoint,
    proof,
    ...scanFrames(buf.subarray(9 + hlen), h.count),
  };
}
