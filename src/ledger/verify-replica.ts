/**
 * `verify --replica URL`: what one replica holds for an origin, checked against the origin's own
 * ledger. A replica answers with its head (the checkpoint it cosigned) and, with a read token,
 * the entries it stores. Problems (same classes as verifyLocal, each naming the replica):
 *
 * - fork: the replica holds a checkpoint larger than anything the origin still signs (the origin
 *   was rolled back), or one whose root differs from the origin's tree at that size (split view);
 * - tamper: the head or its cosignature does not verify; a stored entry does not hash to its
 *   leaf hash, or is not the origin's entry at that index;
 * - incomplete: an index below the replica's head is missing from its copy.
 *
 * @example
 * const r = await verifyReplica({ url, origin, ledger, keys, token });
 */
import { openCheckpoint } from './checkpoint.js';
import { parseNote } from './note.js';
import { type LedgerVerifier, parseVerifierKey } from './keys.js';
import type { Ledger } from './ledger.js';
import { hashLeaf } from './merkle.js';
import type { VerifyProblem } from './verify.js';

export interface ReplicaVerifyProblem extends VerifyProblem {
  readonly replica: string;
}

export interface ReplicaReport {
  readonly url: string;
  readonly reachable: boolean;
  readonly size: number;
  readonly cosigner?: string;
  readonly cosigned: boolean;
  readonly checkedEntries: number;
  readonly problems: ReplicaVerifyProblem[];
  /** The head note (to remember: catches a later rollback of the origin). */
  readonly note?: string;
}

async function getJson(url: string, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url.split('?')[0]}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export async function verifyReplica(o: {
  url: string;
  origin: string;
  ledger: Ledger;
  keys: readonly LedgerVerifier[];
  token?: string;
  /** Expected cosigner vkeys (config); when absent, the replica's published vkey is used. */
  cosignerVkeys?: readonly string[];
  onProgress?: (done: number, total: number) => void;
}): Promise<ReplicaReport> {
  const base = o.url.replace(/\/+$/, '');
  const problems: ReplicaVerifyProblem[] = [];
  const add = (p: VerifyProblem): void => void problems.push({ ...p, replica: base });
  let head: Record<string, unknown>;
  let vkeyText: string;
  try {
    head = await getJson(`${base}/v1/replica/head?origin=${encodeURIComponent(o.origin)}`);
    const res = await fetch(`${base}/v1/replica/vkey`, { signal: AbortSignal.timeout(30_000) });
    vkeyText = (await res.text()).trim().split('\n').pop() ?? '';
  } catch (e) {
    add({ kind: 'incomplete', message: `replica ${base} unreachable: ${(e as Error).message}` });
    return { url: base, reachable: false, size: 0, cosigned: false, checkedEntries: 0, problems };
  }
  const size = typeof head.size === 'number' ? head.size : 0;
  const note = typeof head.cosigned === 'string' ? head.cosigned : undefined;
  const signedSize = o.ledger.treeSize();
  if (note === undefined || size === 0) {
    if (signedSize > 0)
      add({ kind: 'incomplete', message: `replica ${base} holds nothing of ${o.origin}` });
    return { url: base, reachable: true, size: 0, cosigned: false, checkedEntries: 0, problems };
  }
  let root: Buffer;
  try {
    const { checkpoint } = openCheckpoint(note, o.keys, o.origin);
    root = checkpoint.root;
    if (checkpoint.size !== size)
      throw new Error(`head size ${size} is not the note's ${checkpoint.size}`);
  } catch (e) {
    add({
      kind: 'tamper',
      message: `replica ${base}: its head does not verify with the origin key: ${(e as Error).message}`,
    });
    return { url: base, reachable: true, size, cosigned: false, checkedEntries: 0, problems };
  }
  // Cosignature by the replica's key.
  let cosigned = false;
  let cosigner: string | undefined;
  try {
    const trusted = (o.cosignerVkeys ?? [vkeyText]).map((v) => parseVerifierKey(v));
    const parsed = parseNote(note);
    for (const v of trusted) {
      const sig = parsed.signatures.find((s) => s.name === v.name && s.keyId === v.keyId);
      if (sig === undefined) continue;
      if (!v.verify(parsed.text, sig.sig))
        throw new Error(`the cosignature by ${v.name} does not verify`);
      cosigned = true;
      cosigner = v.name;
    }
    if (!cosigned) throw new Error('no cosignature by a trusted replica key');
  } catch (e) {
    add({ kind: 'tamper', size, message: `replica ${base}: ${(e as Error).message}` });
  }
  // Consistency with the origin.
  if (size > signedSize) {
    add({
      kind: 'fork',
      size,
      message: `replica ${base} holds checkpoint ${size} signed by ${o.origin}, but the origin signs only ${signedSize}: the origin was rolled back`,
    });
  } else if (!o.ledger.rootAt(size).equals(root)) {
    add({
      kind: 'fork',
      size,
      message: `replica ${base} holds a checkpoint ${size} whose root differs from the origin's tree (split view)`,
    });
  }
  // Content: every stored entry against its leaf hash and the origin's leaf at that index.
  let checked = 0;
  if (o.token !== undefined) {
    const local = o.ledger.tiles;
    for (let from = 0; from < size; from += 5000) {
      const to = Math.min(size, from + 5000);
      const page = await getJson(
        `${base}/v1/replica/entries?origin=${encodeURIComponent(o.origin)}&from=${from}&to=${to}`,
        o.token,
      );
      const rows =
        (page.entries as { index: number; body: string | null; leaf_hash: string }[]) ?? [];
      const byIndex = new Map(rows.map((r) => [r.index, r]));
      const mine = local.leafHashes(from, Math.min(to, signedSize));
      for (let i = from; i < to; i++) {
        const r = byIndex.get(i);
        if (r === undefined) {
          add({ kind: 'incomplete', index: i, message: `replica ${base}: entry ${i} is missing` });
          continue;
        }
        checked++;
        const stored = Buffer.from(r.leaf_hash, 'base64');
        const h = r.body === null ? stored : hashLeaf(r.body);
        const expected = mine[i - from];
        if (!h.equals(stored) || (expected !== undefined && !expected.equals(h)))
          add({
            kind: 'tamper',
            index: i,
            message: `replica ${base}: entry ${i} is not the entry ${o.origin} signed at this index`,
          });
      }
      o.onProgress?.(to, size);
    }
  }
  return {
    url: base,
    reachable: true,
    size,
    cosigner,
    cosigned,
    checkedEntries: checked,
    problems,
    note,
  };
}
