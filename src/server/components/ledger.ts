/**
 * The ledger inside `logwarden serve` (ARCHITECTURE §4, docs/integrity.md): signs checkpoints
 * over committed entries (at least every `checkpoint_interval_ms` while events arrive), appends
 * heartbeat events, turns every refusal the server counts into an aggregated `loss` event,
 * serves checkpoints and proofs, and runs one forwarder per destination.
 *
 * The signing key is created on first start (0600) and its vkey printed and written to
 * `<data>/ledger.vkey`: that text is what auditors and replicas need.
 */
import { Gauge } from 'prom-client';
import { LogwardenError } from '../../core/errors.js';
import { type Checkpointer, createCheckpointer } from '../../ledger/checkpointer.js';
import { openCosignatureLog } from '../../ledger/cosignature-log.js';
import { type Heartbeat, createHeartbeat } from '../../ledger/heartbeat.js';
import { ensureSigningKey } from '../../ledger/key-files.js';
import type { LedgerBackingStore } from '../../ledger/tiles.js';
import type { Forwarder } from '../../forwarders/forwarder.js';
import { buildForwarders } from './forwarders.js';
import { appendOwnEvent } from './ledger-events.js';
import { ledgerPaths } from './ledger-paths.js';
import { registerLedgerRoutes } from './ledger-routes.js';
import type { Component, RuntimeContext } from '../runtime.js';

export interface LedgerComponent extends Component {
  readonly checkpointer: Checkpointer | undefined;
  readonly forwarders: readonly Forwarder[];
}

function asLedgerStore(ctx: RuntimeContext): LedgerBackingStore {
  const s = ctx.store as Partial<LedgerBackingStore>;
  if (s.db === undefined || typeof s.migrate !== 'function')
    throw new LogwardenError('LW_CONFIG_INVALID', 'ledger: needs the SQLite store');
  return ctx.store as LedgerBackingStore;
}

export function createLedgerComponent(): LedgerComponent {
  let checkpointer: Checkpointer | undefined;
  let heartbeat: Heartbeat | undefined;
  let forwarders: Forwarder[] = [];
  const undo: (() => void)[] = [];
  let lagTimer: NodeJS.Timeout | undefined;

  return {
    name: 'ledger',
    get checkpointer() {
      return checkpointer;
    },
    get forwarders() {
      return forwarders;
    },
    async start(ctx) {
      const cfg = ctx.config.ledger;
      const paths = ledgerPaths(ctx.config);
      const store = asLedgerStore(ctx);
      const { signer, created } = ensureSigningKey({
        keyPath: paths.keyPath,
        vkeyPath: paths.vkeyPath,
        name: paths.origin,
      });
      if (created)
        process.stderr.write(
          `ledger key created in ${paths.keyPath} (keep it private). Verification key, also in ${paths.vkeyPath} — copy it to auditors and replicas:\n  ${signer.verifier.vkey}\n`,
        );
      const cp = createCheckpointer({
        store,
        key: signer,
        origin: paths.origin,
        intervalMs: cfg.checkpoint_interval_ms,
        maxEntries: cfg.checkpoint_max_entries,
      });
      checkpointer = cp;
      cp.start();
      // onCommitted, not subscribe: a subscriber makes the feed read every committed row back.
      undo.push(ctx.feed.onCommitted((maxSeq) => cp.notify(maxSeq + 1)));
      heartbeat = createHeartbeat({
        store,
        intervalMs: cfg.heartbeat_interval_secs * 1000,
        // committed() wakes the checkpointer through the onCommitted watcher above.
        onAppend: () => ctx.feed.committed(store.size() - 1),
      });
      heartbeat.start();
      const hb = heartbeat;
      undo.push(ctx.metrics.onRefused((r) => hb.recordLoss(r)));

      const cosignatures = openCosignatureLog(cp.ledger);
      ctx.routes.push((app, authenticate) =>
        registerLedgerRoutes(app, authenticate, {
          ledger: cp.ledger,
          cosignatures,
          vkeyPath: paths.vkeyPath,
        }),
      );

      forwarders = buildForwarders(ctx, {
        ledger: cp.ledger,
        cosignatures,
        origin: paths.origin,
      });
      for (const f of forwarders) {
        f.start();
        undo.push(cp.onCheckpoint(() => f.wake()));
      }
      if (forwarders.length > 0) {
        const labels = ['forwarder'] as const;
        const entries = new Gauge({
          name: 'logwarden_forwarder_lag_entries',
          help: 'Signed entries not yet acknowledged by the destination, per forwarder.',
          labelNames: labels,
          registers: [ctx.metrics.registry],
        });
        const secs = new Gauge({
          name: 'logwarden_forwarder_lag_seconds',
          help: 'Age of the oldest signed entry not yet acknowledged by the destination, per forwarder.',
          labelNames: labels,
          registers: [ctx.metrics.registry],
        });
        const alerting = new Set<string>();
        const limits = new Map(
          [
            ...ctx.config.forwarders.replicas,
            ...ctx.config.forwarders.syslog,
            ...ctx.config.forwarders.otlp,
          ].map((f) => [f.name, f] as const),
        );
        lagTimer = setInterval(() => {
          for (const f of forwarders) {
            const lag = f.lag();
            entries.set({ forwarder: f.name }, lag.entries);
            secs.set({ forwarder: f.name }, lag.ageMs / 1000);
            const lim = limits.get(f.name);
            const over =
              lim !== undefined &&
              (lag.entries >= lim.lag_alert_entries || lag.ageMs >= lim.lag_alert_secs * 1000);
            if (over && !alerting.has(f.name)) {
              alerting.add(f.name); // once per crossing, re-armed when it catches up
              void appendOwnEvent(ctx, {
                'event.name': 'ledger_replica_lag',
                'event.category': 'sys',
                severity: 'WARN',
                message: `forwarder ${f.name} is ${lag.entries} entries / ${Math.round(lag.ageMs / 1000)} s behind (${f.stats.lastError ?? 'no error'})`,
                attributes: {
                  forwarder: f.name,
                  lag_entries: lag.entries,
                  lag_secs: Math.round(lag.ageMs / 1000),
                },
              }).catch((e: unknown) => ctx.logger.error({ err: e }, 'lag event not stored'));
            } else if (!over) alerting.delete(f.name);
          }
        }, 1000);
        lagTimer.unref();
      }
      ctx.logger.info({ origin: paths.origin, vkey: signer.verifier.vkey }, 'ledger signing');
    },
    async stop() {
      clearInterval(lagTimer);
      for (const u of undo.splice(0)) u();
      await Promise.all(forwarders.map((f) => f.stop()));
      await heartbeat?.close();
      await checkpointer?.close();
    },
  };
}
