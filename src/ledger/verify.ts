/**
 * `verify` for the local store: recompute every leaf hash from the stored bodies and the tree
 * from them, check every stored checkpoint's signature and root, and classify what is wrong:
 *
 * - tamper: a body no longer matches its leaf hash, a row's leaf hash differs from the one the
 *   ledger folded when it signed (row replaced or reordered), a checkpoint's signature or row is
 *   forged, or the entries no longer hash to a signed root;
 * - fork: one size signed with two roots, or an older signed root that the current history
 *   contradicts while a newer signature endorses it (rolled back and re-signed), or a remembered
 *   checkpoint larger than anything the store still signs (rollback);
 * - incomplete: a signed index is missing from the store;
 * - stale: nothing signed, or the newest checkpoint is older than `maxAgeMs`;
 * - quorum: with a replica policy, fewer replicas than required cosigned what was signed more
 *   than a grace period ago (verify-quorum.ts).
 *
 * The overall status picks the most telling class (fork > tamper > incomplete > stale > quorum): a
 * rewritten-and-re-signed history also shows tampered rows, but the fork is what happened.
 *
 * @example
 * const report = verifyLocal({ store, keys: readVerifierKeys('ledger.vkeys'), maxAgeMs: 60_000 });
 * process.exitCode = VERIFY_EXIT_CODES[report.status];
 */
import { createCompactRange } from './compact-range.js';
import { openLedger } from './ledger.js';
import { type Signed, loadSignedCheckpoints } from './verify-checkpoints.js';
import { type QuorumPolicy, checkQuorum } from './verify-quorum.js';
import { hashLeaf } from './merkle.js';
import type { NoteVerifier } from './note.js';
import type { LedgerBackingStore } from './tiles.js';

export type ProblemKind = 'tamper' | 'fork' | 'incomplete' | 'stale' | 'quorum';
export type VerifyStatus = 'ok' | ProblemKind;

/** CLI exit codes (ARCHITECTURE §4); `quorum` is for replica policies. */
export const VERIFY_EXIT_CODES = {
  ok: 0,
  tamper: 10,
  fork: 11,
  incomplete: 12,
  stale: 13,
  quorum: 14,
} as const;
const PRECEDENCE: readonly ProblemKind[] = ['fork', 'tamper', 'incomplete', 'stale', 'quorum'];

export interface VerifyProblem {
  readonly kind: ProblemKind;
  readonly message: string;
  /** The failing ledger index, when the problem is one entry. */
  readonly index?: number;
  /** The checkpoint size concerned, when the problem is a checkpoint. */
  readonly size?: number;
}

export interface VerifyReport {
  readonly status: VerifyStatus;
  readonly exitCode: number;
  readonly problems: readonly VerifyProblem[];
  /** Problems left out beyond `maxProblems` (the counts per kind stay exact). */
  readonly omitted: number;
  readonly counts: Readonly<Record<ProblemKind, number>>;
  /** Entries read from the store, and those whose body retention pruned (leaf hash kept). */
  readonly entries: number;
  readonly pruned: number;
  readonly checkpoints: number;
  /** Size of the newest valid checkpoint, and entries stored beyond it (not signed yet). */
  readonly signedSize: number;
  readonly unsigned: number;
  /** The largest valid stored checkpoint: what to remember for the next run (verify-state.ts). */
  readonly newest?: { readonly size: number; readonly note: string };
}

export interface VerifyLocalOptions {
  readonly store: LedgerBackingStore;
  /** Trusted log verification keys (old ones included after a rotation). */
  readonly keys: readonly NoteVerifier[];
  readonly origin?: string;
  /** Checkpoint notes seen before (a previous verify run, a replica): catch rollbacks. */
  readonly remembered?: readonly string[];
  readonly maxAgeMs?: number;
  /** Replica policy: exit 14 when too few replicas cosigned what was signed a while ago. */
  readonly quorum?: QuorumPolicy;
  readonly now?: () => number;
  readonly maxProblems?: number;
  readonly batchSize?: number;
  /** Called after each batch of entries (a progress line on large stores). */
  readonly onProgress?: (done: number, total: number) => void;
}

export function verifyLocal(opts: VerifyLocalOptions): VerifyReport {
  const { store } = opts;
  const maxProblems = opts.maxProblems ?? 10_000;
  const batch = opts.batchSize ?? 5000;
  const ledger = openLedger(store);
  const problems: VerifyProblem[] = [];
  const counts: Record<ProblemKind, number> = {
    tamper: 0,
    fork: 0,
    incomplete: 0,
    stale: 0,
    quorum: 0,
  };
  const flagged = new Set<number>();
  const report = (p: VerifyProblem): void => {
    if (p.index !== undefined) {
      if (flagged.has(p.index)) return;
      flagged.add(p.index);
    }
    counts[p.kind]++;
    if (problems.length < maxProblems) problems.push(p);
  };

  // 1. Signatures: every stored checkpoint, then the remembered ones (bad input there is an error).
  const { signed, storedSigned, rows } = loadSignedCheckpoints(ledger.checkpoints, opts, report);

  // 2. One size, two roots.
  const bySize = new Map<number, Signed>();
  for (const s of signed) {
    const other = bySize.get(s.size);
    if (other === undefined) bySize.set(s.size, s);
    else if (!other.root.equals(s.root))
      report({
        kind: 'fork',
        size: s.size,
        message: `size ${s.size} is signed with two roots (${other.from}, ${s.from})`,
      });
  }

  // 3. Recompute leaf hashes and the tree; compare with the tiles the ledger folded when signing.
  const largest = signed
    .slice(0, storedSigned)
    .reduce<Signed | undefined>((m, s) => (m === undefined || s.size > m.size ? s : m), undefined);
  const storedNewest = largest?.size ?? 0;
  const storeSize = store.size();
  const end = Math.max(storeSize, storedNewest);
  const tileSize = ledger.treeSize();
  const wanted = new Set(signed.map((s) => s.size));
  const roots = new Map<number, Buffer>();
  const cr = createCompactRange();
  // The tree as the ledger's own tiles hold it: tells an altered entry from an altered tile.
  const tileCr = createCompactRange();
  const tileRoots = new Map<number, Buffer>();
  let tileBroken = false;
  const replaced: { seq: number; id: string }[] = [];
  let broken = false; // a missing entry without a tile copy: roots beyond it cannot be recomputed
  let entries = 0;
  let pruned = 0;
  if (wanted.has(0)) roots.set(0, cr.root());
  for (let from = 0; from < end; from += batch) {
    const to = Math.min(end, from + batch);
    const got = store.range(from, Math.min(to, storeSize));
    const tileHashes = ledger.tiles.leafHashes(from, Math.min(to, tileSize));
    let k = 0;
    for (let seq = from; seq < to; seq++) {
      const r = got[k]?.seq === seq ? got[k++] : undefined;
      const tileHash = tileHashes[seq - from];
      if (seq < tileSize && !tileBroken) {
        if (tileHash === undefined) tileBroken = true;
        else {
          tileCr.append(tileHash);
          if (wanted.has(tileCr.size)) tileRoots.set(tileCr.size, tileCr.root());
        }
      }
      let h: Buffer | undefined;
      if (r === undefined) {
        if (seq < storedNewest)
          report({
            kind: 'incomplete',
            index: seq,
            message: `entry ${seq} is missing from the store`,
          });
        h = tileHash;
      } else {
        entries++;
        if (r.body === null) pruned++;
        h = r.body === null ? r.leafHash : hashLeaf(r.body);
        if (!h.equals(r.leafHash))
          report({
            kind: 'tamper',
            index: seq,
            message: `entry ${seq} (id ${r.id}): the body no longer matches its leaf hash`,
          });
        else if (tileHash !== undefined && !tileHash.equals(h)) replaced.push({ seq, id: r.id });
      }
      if (h === undefined || broken) {
        broken = true;
        continue;
      }
      cr.append(h);
      if (wanted.has(cr.size)) roots.set(cr.size, cr.root());
    }
    opts.onProgress?.(to, end);
  }

  // Rows whose leaf hash differs from the signed tile copy: the row was replaced, unless the
  // tiles themselves no longer hash to the signed roots (then the tiles were altered).
  const tilesAltered = signed
    .slice(0, storedSigned)
    .some((s) => tileRoots.get(s.size)?.equals(s.root) === false);
  if (tilesAltered) {
    report({
      kind: 'tamper',
      message:
        "the ledger's tiles no longer hash to the signed checkpoints (the ledger's own copy was altered)",
    });
  } else {
    for (const { seq, id } of replaced) {
      report({
        kind: 'tamper',
        index: seq,
        message: `entry ${seq} (id ${id}) is not the entry that was signed at this index (replaced or reordered)`,
      });
    }
  }

  // 4. Signed roots against the recomputed tree.
  const sorted = [...signed].sort((a, b) => a.size - b.size);
  const matches = sorted.map((s) => roots.get(s.size)?.equals(s.root));
  sorted.forEach((s, i) => {
    if (matches[i] !== false) return;
    const later = sorted.findIndex((t, j) => j > i && t.size > s.size && matches[j] === true);
    if (later >= 0) {
      report({
        kind: 'fork',
        size: s.size,
        message: `${s.from} (size ${s.size}) contradicts the history that ${sorted[later]!.from} (size ${sorted[later]!.size}) signs: rolled back and re-signed`,
      });
    } else {
      report({
        kind: 'tamper',
        size: s.size,
        message: `entries [0, ${s.size}) no longer hash to the root signed by ${s.from}`,
      });
    }
  });
  for (const s of signed.slice(storedSigned)) {
    if (s.size > storedNewest && s.size > storeSize) {
      report({
        kind: 'fork',
        size: s.size,
        message: `${s.from} signed size ${s.size}, but the store holds ${storeSize} entries and signs only ${storedNewest}: rolled back`,
      });
    }
  }

  // 5. Freshness.
  const newest = signed
    .slice(0, storedSigned)
    .reduce<Signed | undefined>(
      (m, s) => (m === undefined || s.timeMs > m.timeMs ? s : m),
      undefined,
    );
  const now = (opts.now ?? Date.now)();
  if (newest === undefined) {
    if (storeSize > 0)
      report({ kind: 'stale', message: `${storeSize} entries and no valid checkpoint` });
  } else if (opts.maxAgeMs !== undefined && now - newest.timeMs > opts.maxAgeMs) {
    report({
      kind: 'stale',
      message: `the newest checkpoint is ${Math.round((now - newest.timeMs) / 1000)} s old (limit ${Math.round(opts.maxAgeMs / 1000)} s)`,
    });
  }

  // 6. Replicas.
  if (opts.quorum !== undefined)
    checkQuorum(ledger, signed.slice(0, storedSigned), opts.quorum, now, report);

  const status = PRECEDENCE.find((k) => counts[k] > 0) ?? 'ok';
  const total = PRECEDENCE.reduce((n, k) => n + counts[k], 0);
  return {
    status,
    exitCode: VERIFY_EXIT_CODES[status],
    problems,
    omitted: total - problems.length,
    counts,
    entries,
    pruned,
    checkpoints: rows,
    signedSize: storedNewest,
    unsigned: Math.max(0, storeSize - storedNewest),
    ...(largest?.note === undefined ? {} : { newest: { size: largest.size, note: largest.note } }),
  };
}
