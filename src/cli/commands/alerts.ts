/**
 * `logwarden alerts deliveries <id>`: the delivery log of one alert (per receiver: status,
 * attempts, each error), read from the data directory. `logwarden alerts test-receiver <name>`:
 * send a sample message through a configured receiver now and say whether it arrived, so a
 * webhook URL, an SMTP password or a PagerDuty key is checked before the first real alert.
 */
import type { Command } from 'commander';
import { LogwardenError } from '../../core/errors.js';
import { createAlertStore } from '../../detection/alerts/alert-store.js';
import { alertId } from '../../detection/alerts/alert.js';
import { toMessageAlert, type NotificationMessage } from '../../alerting/message.js';
import { buildReceiver } from '../../alerting/receivers/index.js';
import { createAlerting } from '../../alerting/service.js';
import { sqliteOf } from '../../server/components/detection.js';
import { openDataDir } from '../../server/data-dir.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';
import { parseFormat, writeRows } from '../output.js';

const iso = (ms: number | null) =>
  ms === null ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function registerAlerts(program: Command, io: CliIO): void {
  const alerts = program
    .command('alerts')
    .description('Alert delivery: the delivery log of an alert, and a test message per receiver.')
    .addHelpText(
      'after',
      `
Examples:
  $ logwarden alerts deliveries 0b6f0c1e-6c4a-8d2e-9f1a-1234567890ab
  $ logwarden alerts test-receiver soc-webhook --config logwarden.yaml
  $ logwarden alerts test-receiver mail-soc --config logwarden.yaml --format json`,
    );

  withCommonOptions(
    alerts
      .command('deliveries')
      .description('Per receiver: status, attempts and the error of each failed attempt.')
      .argument('<alert-id>'),
    { format: ['table', 'json', 'ndjson'] },
  ).action(async (id: string, opts: CommonOptions) => {
    const format = parseFormat(opts.format);
    const config = commandConfig(opts, io);
    const { store } = openDataDir(config.storage.path, config.storage.synchronous);
    try {
      const { db, migrate } = sqliteOf(store);
      const mig = (ns: string, steps: string[]) => migrate.call(store, ns, steps);
      const alertStore = createAlertStore(db, mig);
      if (!alertStore.get(id))
        throw new LogwardenError('LW_NOT_FOUND', `alert ${id} does not exist`);
      const svc = createAlerting({ db, migrate: mig, config: config.alerting, alerts: alertStore });
      const list = svc.deliveries(id);
      await svc.close();
      writeRows(io, list, {
        format,
        json: (d) => ({ ...d, created: iso(d.createdMs), done: iso(d.doneMs) }),
        empty: `no deliveries for alert ${id} yet (grouping may still be waiting)`,
        columns: [
          { header: 'RECEIVER', get: (d) => d.receiver },
          { header: 'KIND', get: (d) => d.kind },
          { header: 'STATUS', get: (d) => d.status },
          { header: 'ATTEMPTS', get: (d) => d.attempts, align: 'right' },
          { header: 'QUEUED', get: (d) => iso(d.createdMs) },
          { header: 'DONE', get: (d) => iso(d.doneMs) },
          { header: 'LAST ERROR', get: (d) => d.lastError, maxWidth: 60 },
        ],
      });
    } finally {
      await store.close();
    }
  });

  withCommonOptions(
    alerts
      .command('test-receiver')
      .description('Send a sample alert through one receiver now (no outbox, no retry).')
      .argument('<name>', 'receiver name from alerting.receivers'),
    { format: ['table', 'json'] },
  ).action(async (name: string, opts: CommonOptions) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const config = commandConfig(opts, io);
    const rc = config.alerting.receivers.find((r) => r.name === name);
    if (!rc)
      throw new LogwardenError(
        'LW_NOT_FOUND',
        `no receiver named ${JSON.stringify(name)} in the config (known: ${config.alerting.receivers.map((r) => r.name).join(', ') || 'none; pass --config'})`,
      );
    const now = Date.now();
    const sample = {
      id: alertId('logwarden-test', now),
      kind: 'system' as const,
      rule: { name: 'lw_test_message', title: 'Test message from logwarden' },
      severity: 'informational' as const,
      entity: { type: 'none' as const, value: '' },
      groupKey: {},
      count: 1,
      firstSeenMs: now,
      lastSeenMs: now,
      tags: [],
      attack: [],
      summary: `receiver ${name} is configured correctly`,
      events: [],
      eventsOmitted: 0,
    };
    const message: NotificationMessage = {
      kind: 'alert',
      title: 'Test message from logwarden',
      severity: 'informational',
      alerts: [toMessageAlert(sample, config.alerting.dashboard_url)],
      alertsOmitted: 0,
      suppressed: 0,
      createdMs: now,
      text: `A test of receiver ${name}. No action needed.`,
    };
    const receiver = buildReceiver(rc, {
      log: (fields, msg) => io.err(`${msg} ${JSON.stringify(fields)}\n`),
      version: '0',
    });
    try {
      await receiver.send(message, {
        deliveryId: `lw-test-${now}`,
        nowMs: now,
        dashboardUrl: config.alerting.dashboard_url,
      });
      if (format === 'json')
        io.out(JSON.stringify({ receiver: name, type: rc.type, ok: true }) + '\n');
      else io.out(`sent a test message through ${name} (${rc.type})\n`);
    } finally {
      await receiver.close();
    }
  });
}
