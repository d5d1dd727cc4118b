/**
 * `logwarden routes test`: where would a sample alert go, and why. Pure: reads the config,
 * compiles the routing tree and walks it, printing every route tried with the reason it matched
 * or not, then the receivers reached (and whether a mute window holds them right now).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LogwardenError } from '../../core/errors.js';
import {
  alertId,
  isAlertSeverity,
  SEVERITY_RANK,
  type Alert,
  type EntityType,
} from '../../detection/alerts/alert.js';
import { compileRouter, type RouteTrace } from '../../alerting/router/compile-routes.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';
import { parseFormat } from '../output.js';

interface RoutesTestOptions extends CommonOptions {
  alert?: string;
  severity?: string;
  rule?: string;
  tag?: string[];
  service?: string;
  environment?: string;
  entity?: string;
  kind?: string;
  at?: string;
}

const ENTITY_TYPES: readonly EntityType[] = ['ip', 'user', 'source', 'host', 'service', 'none'];

function sampleAlert(o: RoutesTestOptions): Alert {
  if (o.alert !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(o.alert, 'utf8'));
    } catch (e) {
      throw new LogwardenError('LW_INPUT_NOT_FOUND', `--alert ${o.alert}: ${(e as Error).message}`);
    }
    const a = ((raw as { alert?: unknown }).alert ?? raw) as Partial<Alert>;
    if (
      !a ||
      typeof a !== 'object' ||
      !isAlertSeverity(a.severity) ||
      typeof a.rule?.title !== 'string'
    )
      throw new LogwardenError(
        'LW_USAGE',
        `--alert ${o.alert}: expected an alert (as GET /v1/alerts/:id returns) with severity and rule.title`,
      );
    return {
      tags: [],
      attack: [],
      events: [],
      eventsOmitted: 0,
      count: 1,
      groupKey: {},
      entity: { type: 'none', value: '' },
      kind: 'rule',
      summary: '',
      firstSeenMs: 0,
      lastSeenMs: 0,
      id: 'sample',
      ...a,
    } as Alert;
  }
  const severity = o.severity ?? 'medium';
  if (!isAlertSeverity(severity))
    throw new LogwardenError(
      'LW_USAGE',
      `--severity ${JSON.stringify(severity)}: expected informational, low, medium, high or critical`,
    );
  let entity: Alert['entity'] = { type: 'none', value: '' };
  if (o.entity !== undefined) {
    const i = o.entity.indexOf(':');
    const type = o.entity.slice(0, i) as EntityType;
    if (i < 1 || !ENTITY_TYPES.includes(type))
      throw new LogwardenError(
        'LW_USAGE',
        `--entity ${JSON.stringify(o.entity)}: expected TYPE:VALUE with TYPE one of ${ENTITY_TYPES.join(', ')}`,
      );
    entity = { type, value: o.entity.slice(i + 1) };
  }
  const rule = o.rule ?? 'sample_rule';
  return {
    id: alertId('routes-test', rule),
    kind: (o.kind as Alert['kind'] | undefined) ?? 'rule',
    rule: { name: rule, title: rule },
    severity,
    entity,
    groupKey: {},
    count: 1,
    firstSeenMs: 0,
    lastSeenMs: 0,
    tags: o.tag ?? [],
    attack: [],
    summary: 'sample alert',
    events: [],
    eventsOmitted: 0,
    ...(o.service ? { service: o.service } : {}),
    ...(o.environment ? { environment: o.environment } : {}),
  };
}

export function registerRoutes(program: Command, io: CliIO): void {
  const routes = program
    .command('routes')
    .description('Inspect the alert routing policy (alerting.route in the config).');
  withCommonOptions(
    routes
      .command('test')
      .description('Show which routes and receivers a sample alert would reach, and why.')
      .option('--alert <file>', 'an alert as JSON (e.g. saved from GET /v1/alerts/:id)')
      .option('--severity <level>', 'informational|low|medium|high|critical (default medium)')
      .option('--rule <name>', 'rule name or id, e.g. lw_bruteforce_user')
      .option('--tag <tag>', 'a rule tag, repeatable', (v: string, p: string[] = []) => [...p, v])
      .option('--service <name>', 'service.name of the alert')
      .option('--environment <name>', 'deployment environment of the alert')
      .option('--entity <type:value>', 'the entity, e.g. ip:203.0.113.9 or user:carol')
      .option('--kind <kind>', 'rule|correlation|pattern|silence|anomaly|system')
      .option('--at <time>', 'evaluate mute windows at this RFC 3339 time (default now)')
      .addHelpText(
        'after',
        `
Examples:
  $ logwarden routes test --config logwarden.yaml --severity high --rule lw_bruteforce_user --entity user:carol
  $ logwarden routes test --config logwarden.yaml --severity low --tag attack.t1190 --at 2026-11-28T23:00:00Z
  $ logwarden routes test --config logwarden.yaml --alert alert.json --format json`,
      ),
    { format: ['table', 'json'] },
  ).action((opts: RoutesTestOptions) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const config = commandConfig(opts, io);
    const at = opts.at === undefined ? Date.now() : Date.parse(opts.at);
    if (!Number.isFinite(at))
      throw new LogwardenError(
        'LW_USAGE',
        `--at ${JSON.stringify(opts.at)}: expected an RFC 3339 time`,
      );
    const alert = sampleAlert(opts);
    const router = compileRouter(config.alerting);
    const trace: RouteTrace[] = [];
    const matches = router.match(alert, at, trace);
    const result = matches.map((m) => ({
      route: m.route.path,
      receivers: m.route.receivers,
      muted: m.muted,
      group_by: m.route.groupBy,
      group_wait_secs: m.route.groupWaitMs / 1000,
      group_interval_secs: m.route.groupIntervalMs / 1000,
      repeat_interval_secs: m.route.repeatIntervalMs / 1000,
      escalate: m.route.escalate.map((t) => ({
        after_secs: t.afterMs / 1000,
        receivers: t.receivers,
      })),
      decision: m.route.decision
        ? { type: m.route.decision.type, duration_secs: m.route.decision.durationMs / 1000 }
        : null,
      digest:
        m.route.digest &&
        SEVERITY_RANK[alert.severity] <= SEVERITY_RANK[config.alerting.digest.max_severity],
    }));
    if (format === 'json') {
      io.out(
        JSON.stringify(
          {
            alert: {
              severity: alert.severity,
              rule: alert.rule,
              entity: alert.entity,
              tags: alert.tags,
            },
            trace,
            destinations: result,
          },
          null,
          2,
        ) + '\n',
      );
      return;
    }
    io.out(
      `alert: ${alert.severity} ${alert.rule.name ?? alert.rule.title}${alert.entity.type !== 'none' ? ` (${alert.entity.type} ${alert.entity.value})` : ''}\n\nroutes tried:\n`,
    );
    for (const t of trace) io.out(`  ${t.matched ? '✓' : '✗'} ${t.path.padEnd(12)} ${t.why}\n`);
    io.out('\ndestinations:\n');
    for (const r of result) {
      io.out(
        `  ${r.route}: ${r.receivers.join(', ') || '(no receivers)'}${r.muted ? '  [muted now: held until the window ends]' : ''}${r.digest ? '  [digest]' : ''}\n`,
      );
      io.out(
        `    group by ${r.group_by.join(', ')}; wait ${r.group_wait_secs}s, interval ${r.group_interval_secs}s, repeat ${r.repeat_interval_secs}s\n`,
      );
      for (const e of r.escalate)
        io.out(`    escalate after ${e.after_secs}s to ${e.receivers.join(', ')}\n`);
      if (r.decision)
        io.out(
          `    decision: ${r.decision.type} for ${r.decision.duration_secs}s (grows for repeat offenders)\n`,
        );
    }
  });
}
