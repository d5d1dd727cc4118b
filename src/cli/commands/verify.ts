/**
 * `logwarden verify`: check the local ledger (every body against its leaf hash, the tree against
 * every signed checkpoint), optionally what each replica holds, a quorum of replicas, freshness,
 * and remembered checkpoints (rollbacks). Exit codes: 0 ok, 10 tamper, 11 fork/rollback/split
 * view, 12 incomplete, 13 stale, 14 quorum not met (src/ledger/verify.ts).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { LogwardenError } from '../../core/errors.js';
import { type LedgerVerifier, readVerifierKeys } from '../../ledger/keys.js';
import { openLedger } from '../../ledger/ledger.js';
import type { LedgerBackingStore } from '../../ledger/tiles.js';
import {
  VERIFY_EXIT_CODES,
  type ProblemKind,
  type VerifyProblem,
  verifyLocal,
} from '../../ledger/verify.js';
import { type ReplicaReport, verifyReplica } from '../../ledger/verify-replica.js';
import { readVerifyState, rememberCheckpoint } from '../../ledger/verify-state.js';
import { openDataDir, storeFile } from '../../server/data-dir.js';
import { ledgerPaths } from '../../server/components/ledger-paths.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';
import { parseFormat } from '../output.js';

interface VerifyOptions extends CommonOptions {
  vkey?: string;
  replica?: string[];
  replicaToken?: string[];
  quorum?: string;
  grace?: string;
  state?: string;
  remember?: boolean;
  maxAge?: string;
}

const PRECEDENCE: readonly ProblemKind[] = ['fork', 'tamper', 'incomplete', 'stale', 'quorum'];

function secs(v: string | undefined, opt: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new LogwardenError('LW_USAGE', `${opt} ${JSON.stringify(v)}: expected seconds > 0`);
  return n;
}

/** Pruned bodies as [from, to) ranges: retention removed them, the leaf hashes stay. */
function prunedRanges(store: LedgerBackingStore): [number, number][] {
  const rows = store.db
    .prepare('SELECT seq FROM events WHERE body IS NULL ORDER BY seq')
    .pluck()
    .all() as number[];
  const out: [number, number][] = [];
  for (const s of rows) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === s) last[1] = s + 1;
    else out.push([s, s + 1]);
  }
  return out;
}

export function registerVerify(program: Command, io: CliIO): void {
  const cmd = program
    .command('verify')
    .description('Check the ledger: local store, replicas, quorum, freshness, rollbacks.')
    .option(
      '--vkey <file>',
      'trusted verification keys (default: <data>/ledger.vkey; better: your own copy)',
    )
    .option(
      '--replica <url>',
      'also verify what this replica holds (repeatable)',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option(
      '--replica-token <token>',
      "read token for the replicas' entries: one for all, or one per --replica in order (or LOGWARDEN_REPLICA_TOKEN)",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option(
      '--quorum <n>',
      'at least N replicas must hold and cosign what was signed --grace ago (exit 14)',
    )
    .option('--grace <secs>', 'how long a checkpoint may wait for the replicas (default 60)')
    .option(
      '--state <file>',
      'remembered checkpoints, to catch rollbacks (default <data>/verify-state.json)',
    )
    .option('--no-remember', 'do not update the state file')
    .option('--max-age <secs>', 'the newest checkpoint must be younger than this (exit 13)');
  withCommonOptions(cmd, { format: ['table', 'json'] }).addHelpText(
    'after',
    `
Examples:
  $ logwarden verify                                  # the local store
  $ logwarden verify --vkey ~/audit/web1.vkey --state ~/audit/web1-state.json
  $ logwarden verify --replica http://10.0.0.5:7420 --replica http://10.0.0.6:7420 --quorum 2
  $ logwarden verify --max-age 30 --format json       # names every failing index

Exit codes: 0 ok, 10 tamper (changed, replaced or reordered entries), 11 fork (rollback,
split view, a size signed twice), 12 incomplete (deleted or truncated entries, a replica missing
entries), 13 stale (--max-age), 14 quorum not met. Bodies removed by retention are reported as
pruned, not missing (their leaf hashes stay).

The state file remembers the largest checkpoint seen: a later rollback of the database to an
older copy, even re-signed with the log's own key, is then a fork. Keep it (and your copy of
the vkey) off the log's host.`,
  );
  cmd.action(async (opts: VerifyOptions) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const config = commandConfig(opts, io);
    const paths = ledgerPaths(config);
    const vkeyPath = opts.vkey ?? paths.vkeyPath;
    const statePath = opts.state ?? paths.statePath;
    const quorum = opts.quorum === undefined ? undefined : Number(opts.quorum);
    if (quorum !== undefined && (!Number.isInteger(quorum) || quorum < 1))
      throw new LogwardenError(
        'LW_USAGE',
        `--quorum ${JSON.stringify(opts.quorum)}: expected an integer >= 1`,
      );
    const graceMs = (secs(opts.grace, '--grace') ?? 60) * 1000;
    const maxAge = secs(opts.maxAge, '--max-age');
    if (!existsSync(storeFile(config.storage.path)))
      throw new LogwardenError(
        'LW_NOT_FOUND',
        `no logwarden data in ${config.storage.path}: check --data`,
      );
    const keys: LedgerVerifier[] = readVerifierKeys(vkeyPath);
    const tokens =
      opts.replicaToken ??
      (io.env.LOGWARDEN_REPLICA_TOKEN === undefined ? [] : [io.env.LOGWARDEN_REPLICA_TOKEN]);
    if (tokens.length > 1 && tokens.length !== (opts.replica ?? []).length)
      throw new LogwardenError(
        'LW_USAGE',
        `--replica-token: give one token, or one per --replica (${(opts.replica ?? []).length})`,
      );
    const { store: s } = openDataDir(config.storage.path, config.storage.synchronous);
    const store = s as unknown as LedgerBackingStore & { close(): Promise<void> };
    try {
      const ledger = openLedger(store);
      const origin = keys[0]?.name ?? paths.origin;
      const progress = (what: string) => (done: number, total: number) => {
        if (total >= 100_000 || (io.columns !== undefined && total >= 20_000))
          io.err(`\r${what}: ${done}/${total} entries`);
        if (done === total && total >= 20_000) io.err('\n');
      };
      // Replicas first: their heads are remembered checkpoints (a rollback of the origin shows).
      const replicas: ReplicaReport[] = [];
      const cosignerVkeys = config.forwarders.replicas.map((r) => r.vkey);
      for (const [i, url] of (opts.replica ?? []).entries()) {
        const token = tokens.length > 1 ? tokens[i] : tokens[0];
        replicas.push(
          await verifyReplica({
            url,
            origin,
            ledger,
            keys,
            ...(token === undefined ? {} : { token }),
            ...(cosignerVkeys.length > 0 ? { cosignerVkeys } : {}),
            onProgress: progress(`replica ${url}`),
          }),
        );
      }
      const remembered = [
        ...readVerifyState(statePath, origin),
        ...replicas.flatMap((r) => (r.note === undefined ? [] : [r.note])),
      ];
      const local = verifyLocal({
        store,
        keys,
        origin,
        remembered,
        ...(maxAge === undefined ? {} : { maxAgeMs: maxAge * 1000 }),
        onProgress: progress('verifying'),
      });
      const problems: (VerifyProblem & { replica?: string })[] = [
        ...local.problems,
        ...replicas.flatMap((r) => r.problems),
      ];
      // Quorum: replicas with no problem whose cosigned head covers what was signed grace ago.
      let quorumOk: number | undefined;
      if (quorum !== undefined) {
        const due = ledger.checkpoints
          .list(0, 1_000_000)
          .filter((c) => c.timeMs <= Date.now() - graceMs)
          .reduce((m, c) => Math.max(m, c.size), 0);
        quorumOk = replicas.filter(
          (r) => r.problems.length === 0 && r.cosigned && r.size >= due,
        ).length;
        if (quorumOk < quorum)
          problems.push({
            kind: 'quorum',
            size: due,
            message: `${quorumOk} of the required ${quorum} replicas hold and cosigned entries [0, ${due}) (signed more than ${graceMs / 1000} s ago)`,
          });
      }
      const counts = Object.fromEntries(
        PRECEDENCE.map((k) => [k, problems.filter((p) => p.kind === k).length]),
      ) as Record<ProblemKind, number>;
      const status = PRECEDENCE.find((k) => counts[k] > 0) ?? 'ok';
      const exitCode = VERIFY_EXIT_CODES[status];
      const pruned = prunedRanges(store);
      if (status === 'ok' && local.newest !== undefined && opts.remember !== false)
        rememberCheckpoint(statePath, local.newest.note, keys);
      const failing: Record<string, number[]> = {};
      for (const p of problems) if (p.index !== undefined) (failing[p.kind] ??= []).push(p.index);
      if (format === 'json') {
        io.out(
          `${JSON.stringify(
            {
              status,
              exit_code: exitCode,
              origin,
              entries: local.entries,
              signed_size: local.signedSize,
              unsigned: local.unsigned,
              checkpoints: local.checkpoints,
              pruned: local.pruned,
              pruned_ranges: pruned,
              counts,
              failing_indexes: failing,
              problems,
              omitted: local.omitted,
              replicas: replicas.map((r) => ({
                url: r.url,
                reachable: r.reachable,
                size: r.size,
                cosigned: r.cosigned,
                cosigner: r.cosigner ?? null,
                checked_entries: r.checkedEntries,
                problems: r.problems.length,
              })),
              ...(quorum === undefined ? {} : { quorum: { required: quorum, met: quorumOk } }),
            },
            null,
            2,
          )}\n`,
        );
      } else {
        const line = (t: string) => io.out(`${t}\n`);
        line(
          `${status === 'ok' ? 'OK' : status.toUpperCase()}  ${origin}: ${local.entries} entries, ${local.signedSize} signed in ${local.checkpoints} checkpoints, ${local.unsigned} not signed yet`,
        );
        if (pruned.length > 0)
          line(
            `  pruned by retention (leaf hashes kept, still verified): ${pruned.map(([a, b]) => (b - a === 1 ? `${a}` : `${a}-${b - 1}`)).join(', ')}`,
          );
        for (const r of replicas)
          line(
            `  replica ${r.url}: ${r.reachable ? `${r.size} held${r.cosigned ? `, cosigned by ${r.cosigner}` : ''}, ${r.checkedEntries} entries checked` : 'unreachable'}${r.problems.length > 0 ? `, ${r.problems.length} problem(s)` : ''}`,
          );
        if (quorum !== undefined) line(`  quorum: ${quorumOk}/${quorum}`);
        for (const p of problems.slice(0, 50)) line(`  ${p.kind.padEnd(10)} ${p.message}`);
        if (problems.length > 50)
          line(`  ... ${problems.length - 50} more (--format json lists them all)`);
        if (status !== 'ok') line(`exit ${exitCode}: ${status}`);
      }
      if (exitCode !== 0)
        process.once('exit', () => {
          process.exitCode = exitCode;
        });
    } finally {
      await store.close();
    }
  });
}
