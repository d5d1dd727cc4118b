/**
 * `logwarden decisions list|add|revoke`: response decisions (blocked addresses, locked users) in
 * the data directory. Safe beside a running server (SQLite WAL): a decision added or revoked here
 * is served by GET /v1/decisions at once, its receivers (e.g. exec) are queued in the outbox and
 * delivered by the server, and the change is stored as an event (decision_created/revoked).
 */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { LogwardenError } from '../../core/errors.js';
import { prepareEvent } from '../../core/prepare.js';
import { createAlertStore } from '../../detection/alerts/alert-store.js';
import { type Decision, type DecisionType } from '../../alerting/decisions/decision-store.js';
import { createAlerting } from '../../alerting/service.js';
import { decisionJson } from '../../server/api/decision-routes.js';
import { decisionReceivers } from '../../server/components/alerting.js';
import { sqliteOf } from '../../server/components/detection.js';
import { openDataDir } from '../../server/data-dir.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';
import { ago, parseFormat, parsePositiveInt, writeRows } from '../output.js';

async function withAlerting<T>(
  opts: CommonOptions,
  io: CliIO,
  fn: (a: ReturnType<typeof createAlerting>, receivers: string[]) => T,
): Promise<T> {
  const config = commandConfig(opts, io);
  const { store } = openDataDir(config.storage.path, config.storage.synchronous);
  const pendingEvents: Promise<unknown>[] = [];
  try {
    const { db, migrate } = sqliteOf(store);
    const mig = (ns: string, steps: string[]) => migrate.call(store, ns, steps);
    const alerting = createAlerting({
      db,
      migrate: mig,
      config: config.alerting,
      alerts: createAlertStore(db, mig),
      onDecision(change, d) {
        const r = prepareEvent(
          {
            'event.name': change === 'created' ? 'decision_created' : 'decision_revoked',
            'event.action': d.type,
            'event.reason': d.reason,
            'host.name': hostname(),
            'service.name': 'logwarden',
            ...(d.type === 'ban_ip' ? { 'client.address': d.value } : { 'user.id': d.value }),
            attributes: {
              'decision.id': d.id,
              'decision.origin': d.origin,
              'decision.expires': new Date(d.expiresMs).toISOString(),
              ...(d.revokedBy ? { 'decision.revoked_by': d.revokedBy } : {}),
            },
          },
          { source: 'logwarden', logSource: 'internal' },
        );
        if (r.ok) pendingEvents.push(store.append([r.prepared]));
      },
    });
    try {
      return fn(alerting, decisionReceivers(alerting.router.root));
    } finally {
      await Promise.all(pendingEvents);
      await alerting.close();
    }
  } finally {
    await store.close();
  }
}

/** Which receivers the running server will tell (from the routes' `decision.receivers`). */
const told = (to: readonly string[]): string =>
  to.length
    ? `queued for receivers: ${to.join(', ')} (the running server delivers them)\n`
    : "no decision receivers in this config (pass the server's --config to tell e.g. a firewall exec receiver)\n";

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function parseDuration(v: string): number {
  const m = /^(\d+)(s|m|h|d)?$/.exec(v.trim());
  if (!m)
    throw new LogwardenError(
      'LW_USAGE',
      `--duration ${JSON.stringify(v)}: expected e.g. 600, 10m, 4h or 7d`,
    );
  const n =
    Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  if (n < 1 || n > 365 * 86400)
    throw new LogwardenError('LW_USAGE', `--duration ${v}: expected 1 second to 365 days`);
  return n;
}

export function registerDecisions(program: Command, io: CliIO): void {
  const decisions = program
    .command('decisions')
    .description('List, add and revoke response decisions (blocked addresses, locked users).')
    .addHelpText(
      'after',
      `
Decisions are made by routes with a \`decision:\` (e.g. block the source of a brute force), through
POST /v1/decisions, or here. Applications enforce them with the SDK's decision client (403), and
an \`exec\` receiver can call a firewall. Every change is stored as an event in the ledger.

Examples:
  $ logwarden decisions list
  $ logwarden decisions add --ip 203.0.113.9 --duration 4h --reason "credential stuffing"
  $ logwarden decisions add --user carol --duration 30m
  $ logwarden decisions list --all --format json
  $ logwarden decisions revoke 0b6f0c1e-...`,
    );

  withCommonOptions(
    decisions
      .command('list')
      .description('Active decisions (newest first); --all adds expired and revoked ones.')
      .option('--all', 'include expired and revoked decisions'),
    { format: ['table', 'json', 'ndjson'], limit: 100 },
  ).action(async (opts: CommonOptions & { all?: boolean }) => {
    const format = parseFormat(opts.format);
    const limit = parsePositiveInt(opts.limit, '--limit', 100, 10_000);
    const now = Date.now();
    const list = await withAlerting(opts, io, (a) =>
      a.decisions.list({ nowMs: now, includeInactive: opts.all === true, limit }),
    );
    const state = (d: Decision) =>
      d.revokedMs !== null
        ? `revoked by ${d.revokedBy}`
        : d.expiresMs <= now
          ? 'expired'
          : 'active';
    writeRows(io, list, {
      format,
      json: decisionJson,
      empty: opts.all
        ? 'no decisions'
        : 'no active decisions (add one with: logwarden decisions add --ip ADDRESS --duration 1h)',
      columns: [
        { header: 'ID', get: (d) => d.id, maxWidth: 36 },
        { header: 'TYPE', get: (d) => d.type },
        { header: 'VALUE', get: (d) => d.value },
        {
          header: 'EXPIRES',
          get: (d) =>
            `${iso(d.expiresMs)} (${d.expiresMs > now ? 'in ' + Math.ceil((d.expiresMs - now) / 60000) + 'm' : ago(d.expiresMs, now)})`,
        },
        { header: 'OFFENSE', get: (d) => d.offense + 1, align: 'right' },
        { header: 'STATE', get: state },
        { header: 'ORIGIN', get: (d) => d.origin },
        { header: 'REASON', get: (d) => d.reason, maxWidth: 50 },
      ],
    });
  });

  withCommonOptions(
    decisions
      .command('add')
      .description('Block an address or lock a user for a duration.')
      .option('--ip <address>', 'IPv4 or IPv6 address to block')
      .option('--user <id>', 'user id to lock')
      .option('--duration <d>', 'how long: seconds or 10m, 4h, 7d', '1h')
      .option('--reason <text>', 'why (stored with the decision)', 'added from the CLI'),
    { format: ['table', 'json'] },
  ).action(
    async (
      opts: CommonOptions & { ip?: string; user?: string; duration: string; reason: string },
    ) => {
      const format = parseFormat(opts.format, ['table', 'json']);
      if ((opts.ip === undefined) === (opts.user === undefined))
        throw new LogwardenError(
          'LW_USAGE',
          'decisions add: give exactly one of --ip ADDRESS or --user ID',
        );
      const type: DecisionType = opts.ip !== undefined ? 'ban_ip' : 'lock_user';
      const secs = parseDuration(opts.duration);
      let receivers: readonly string[] = [];
      const { decision, created } = await withAlerting(opts, io, (a, to) => {
        receivers = to;
        return a.decide(
          {
            type,
            value: (opts.ip ?? opts.user)!,
            reason: opts.reason,
            origin: 'cli',
            durationMs: secs * 1000,
          },
          to,
        );
      });
      if (format === 'json')
        io.out(JSON.stringify({ decision: decisionJson(decision), created }) + '\n');
      else io.out(`${decision.id}\n`);
      io.err(
        created
          ? `${type === 'ban_ip' ? 'blocked address' : 'locked user'} ${decision.value} until ${iso(decision.expiresMs)} (${decision.durationSecs}s)\n`
          : `an active decision for ${decision.value} already lasts until ${iso(decision.expiresMs)}; nothing added\n`,
      );
      if (created) io.err(told(receivers));
    },
  );

  withCommonOptions(
    decisions
      .command('revoke')
      .description('Revoke a decision by id (enforcement stops at the next poll).')
      .argument('<id>'),
  ).action(async (id: string, opts: CommonOptions) => {
    const { d, to } = await withAlerting(opts, io, (a, to) => ({
      d: a.revokeDecision(id, 'cli', to),
      to,
    }));
    io.err(`revoked decision ${d.id} (${d.type} ${d.value})\n${told(to)}`);
  });
}
