import { describe, expect, it } from 'vitest';
import { openTestLedger } from '../forwarders/test-ledger.js';
import { hashLeaf } from './merkle.js';
import {
  type ScannedFrames,
  decodeReplicaBatch,
  encodeFrames,
  encodeReplicaBatch,
  frameEntry,
  scanFrames,
} from './replica-batch.js';

const entriesOf = (f: ScannedFrames) => Array.from({ length: f.count }, (_, i) => frameEntry(f, i));

const bodies = ['{"id":"a","message":"é ünïcode"}', '{"id":"b"}', ''];
const pruned = hashLeaf('{"id":"gone"}');

function sample(): Buffer {
  const frames = encodeFrames([
    ...bodies.map((b) => ({ body: Buffer.from(b), leafHash: hashLeaf(b) })),
    { body: null, leafHash: pruned },
  ]);
  return encodeReplicaBatch(
    { origin: 'logs.test/o', start: 7, checkpoint: 'note text\n', proof: [pruned] },
    frames,
  );
}

describe('replica batch', () => {
  it('round-trips header, bodies (exact bytes) and pruned leaf hashes; leaf hashes are RFC 6962', () => {
    const b = decodeReplicaBatch(sample());
    expect(b.origin).toBe('logs.test/o');
    expect(b.start).toBe(7);
    expect(b.checkpoint).toBe('note text\n');
    expect(b.proof.map((p) => Buffer.from(p).toString('hex'))).toEqual([pruned.toString('hex')]);
    expect(entriesOf(b)).toHaveLength(4);
    // Stored frames re-scanned with their stored leaf hashes: nothing re-hashed, same entries.
    const again = scanFrames(Buffer.from(b.frames), 4, Buffer.from(b.leaves));
    expect(entriesOf(again).map((e) => e.body?.toString('utf8') ?? null)).toEqual([
      ...bodies,
      null,
    ]);
    expect(() => scanFrames(b.frames, 4, b.leaves.subarray(32))).toThrow(/leaf hashes for 4/);
    bodies.forEach((body, i) => {
      expect(entriesOf(b)[i]!.body!.toString('utf8')).toBe(body);
      expect(entriesOf(b)[i]!.leafHash.equals(hashLeaf(body))).toBe(true);
    });
    expect(entriesOf(b)[3]!.body).toBeNull();
    expect(entriesOf(b)[3]!.leafHash.equals(pruned)).toBe(true);
  });

  it('refuses truncation, trailing bytes, a bad magic, an impossible count and unknown frames', () => {
    const good = sample();
    expect(() => decodeReplicaBatch(good.subarray(0, good.length - 1))).toThrow(/out of range/);
    expect(() => decodeReplicaBatch(Buffer.concat([good, Buffer.from([0])]))).toThrow(
      /after the last entry/,
    );
    expect(() => decodeReplicaBatch(Buffer.from('{"origin":"x"}'))).toThrow(/not a replica batch/);
    const huge = encodeReplicaBatch(
      { origin: 'o', start: 0, checkpoint: 'n', proof: [] },
      { count: 1_000_000, bytes: Buffer.alloc(10) },
    );
    expect(() => decodeReplicaBatch(huge)).toThrow(/cannot fit/);
    const odd = encodeReplicaBatch(
      { origin: 'o', start: 0, checkpoint: 'n', proof: [] },
      { count: 1, bytes: Buffer.from([0, 0, 0, 2, 7, 1]) },
    );
    expect(() => decodeReplicaBatch(odd)).toThrow(/unknown frame kind 7/);
    const shortLeaf = encodeReplicaBatch(
      { origin: 'o', start: 0, checkpoint: 'n', proof: [] },
      { count: 1, bytes: Buffer.from([0, 0, 0, 2, 1, 1]) },
    );
    expect(() => decodeReplicaBatch(shortLeaf)).toThrow(/frame kind 1 or length 2/);
  });

  it('Ledger.frames (built by SQLite) decodes to the stored bytes and leaf hashes, a pruned body as its leaf hash', async () => {
    const t = await openTestLedger('logs.test/frames');
    try {
      await t.add(12, { message: 'ünïcode ✓' });
      const l = t.checkpointer.ledger;
      t.store.db.prepare('UPDATE events SET body = NULL WHERE seq = 5').run(); // retention
      const size = l.treeSize();
      const frames = l.frames(2, size);
      expect(frames.count).toBe(size - 2);
      const b = decodeReplicaBatch(
        encodeReplicaBatch({ origin: 'o', start: 2, checkpoint: 'n', proof: [] }, frames),
      );
      const stored = l.entries(2, size);
      entriesOf(b).forEach((e, i) => {
        expect(e.leafHash.equals(stored[i]!.leafHash)).toBe(true);
        expect(e.body === null ? null : e.body.toString('utf8')).toBe(stored[i]!.body);
      });
      expect(entriesOf(b)[3]!.body).toBeNull();
      expect(l.frames(size, size + 5).count).toBe(0);
    } finally {
      await t.close();
    }
  });
});
