import { z } from 'zod';
import { defineSection, type ConfigIssue } from './define.js';

/**
 * Alert routing (a policy tree like Alertmanager's), noise control, receivers, delivery and
 * response decisions. Receiver schemas live here (config may import only core); the runtime
 * registry in `src/alerting/receivers/index.ts` is typed by this union so both stay in step.
 */

const secs = () => z.number().int().positive();
const nonNegSecs = () => z.number().int().min(0);
const name = () =>
  z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected letters, digits, _ . - (at most 64)');
const httpUrl = () =>
  z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'expected an http:// or https:// URL');

const base = {
  name: name().describe('Receiver name, used by routes.'),
  timeout_secs: secs().default(10).describe('Give up one attempt after this long.'),
};

const webhook = z.strictObject({
  ...base,
  type: z.literal('webhook'),
  url: httpUrl(),
  secret: z
    .string()
    .min(16, 'expected at least 16 characters')
    .optional()
    .describe('HMAC-SHA256 key for X-Logwarden-Signature (use ${ENV}); never logged.'),
  headers: z.record(z.string(), z.string()).default({}),
});
const slack = z.strictObject({ ...base, type: z.literal('slack'), url: httpUrl() });
const teams = z.strictObject({ ...base, type: z.literal('teams'), url: httpUrl() });
const email = z.strictObject({
  ...base,
  type: z.literal('email'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  tls: z
    .enum(['starttls', 'tls', 'none'])
    .default('starttls')
    .describe('starttls: upgrade required; tls: TLS from the first byte (465); none: plain.'),
  reject_unauthorized: z.boolean().default(true),
  username: z.string().optional(),
  password: z.string().optional().describe('Use ${ENV}; never logged.'),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  subject_prefix: z.string().default('[logwarden]'),
});
const syslog = z.strictObject({
  ...base,
  type: z.literal('syslog'),
  protocol: z.enum(['udp', 'tcp']).default('udp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(514),
  facility: z.number().int().min(0).max(23).default(13).describe('13 = log audit (RFC 5424).'),
  app_name: z.string().default('logwarden'),
});
const pagerduty = z.strictObject({
  ...base,
  type: z.literal('pagerduty'),
  routing_key: z.string().min(1).describe('Events v2 integration key (use ${ENV}); never logged.'),
  url: httpUrl().default('https://events.pagerduty.com/v2/enqueue'),
});
const exec = z.strictObject({
  ...base,
  type: z.literal('exec'),
  command: z
    .array(z.string().min(1))
    .min(1)
    .describe(
      'argv (no shell). Whole arguments {action} {type} {value} {duration_secs} {decision_id} are replaced.',
    ),
});
const log = z.strictObject({ ...base, type: z.literal('log') });

export const receiverSchema = z.discriminatedUnion('type', [
  webhook,
  slack,
  teams,
  email,
  syslog,
  pagerduty,
  exec,
  log,
]);
export type ReceiverConfig = z.output<typeof receiverSchema>;
export type ReceiverType = ReceiverConfig['type'];

const SEVERITY = /^(>=|<=|>|<)?(informational|low|medium|high|critical)$/;
const stringOrList = () => z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const matchSchema = z
  .strictObject({
    severity: z
      .union([z.string().regex(SEVERITY, 'expected e.g. ">=high" or "low"'), z.array(z.string())])
      .optional(),
    rule: stringOrList().optional().describe('Rule name, id or title (list: any of).'),
    tags: z.array(z.string().min(1)).optional().describe('All of these tags.'),
    service: stringOrList().optional(),
    environment: stringOrList().optional(),
    entity_type: stringOrList().optional(),
    entity_value: stringOrList().optional(),
    kind: stringOrList().optional(),
  })
  .default({});

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const muteWindow = z.strictObject({
  weekdays: z
    .array(z.string().regex(/^(sun|mon|tue|wed|thu|fri|sat)(-(sun|mon|tue|wed|thu|fri|sat))?$/))
    .optional()
    .describe('e.g. [sat, sun] or [mon-fri]'),
  times: z
    .array(
      z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'expected HH:MM-HH:MM'),
    )
    .optional()
    .describe('e.g. ["22:00-06:00"] (wraps midnight)'),
  time_zone: z.string().default('UTC'),
});
export { WEEKDAYS };

const decisionSchema = z.strictObject({
  type: z
    .enum(['ban_ip', 'lock_user', 'auto'])
    .default('auto')
    .describe('auto: ban_ip for an IP entity, lock_user for a user entity.'),
  duration_secs: secs().default(3600),
  increment: z
    .strictObject({
      factor: z.number().min(1).default(2),
      max_secs: secs().default(7 * 86400),
      lookback_secs: secs().default(30 * 86400),
    })
    .prefault({})
    .describe(
      "Repeat offenders: duration × factor^(earlier decisions), capped (fail2ban's bantime.increment).",
    ),
  receivers: z.array(name()).default([]).describe('Receivers told of the decision (e.g. exec).'),
});

export interface RouteConfigShape {
  match: z.output<typeof matchSchema>;
  receivers?: string[] | undefined;
  continue: boolean;
  group_by?: string[] | undefined;
  group_wait_secs?: number | undefined;
  group_interval_secs?: number | undefined;
  repeat_interval_secs?: number | undefined;
  mute_windows: z.output<typeof muteWindow>[];
  escalate: { after_secs: number; receivers: string[] }[];
  digest: boolean;
  decision?: z.output<typeof decisionSchema> | undefined;
  routes: RouteConfigShape[];
}

const GROUP_KEYS = [
  'rule',
  'entity',
  'severity',
  'service',
  'environment',
  'host',
  'kind',
] as const;

const routeSchema: z.ZodType<RouteConfigShape> = z.lazy(() =>
  z.strictObject({
    match: matchSchema,
    receivers: z.array(name()).optional(),
    continue: z.boolean().default(false),
    group_by: z.array(z.enum(GROUP_KEYS)).optional(),
    group_wait_secs: nonNegSecs().optional(),
    group_interval_secs: secs().optional(),
    repeat_interval_secs: secs().optional(),
    mute_windows: z.array(muteWindow).default([]),
    escalate: z
      .array(z.strictObject({ after_secs: secs(), receivers: z.array(name()).min(1) }))
      .default([]),
    digest: z.boolean().default(true).describe('Low severities go to the periodic digest.'),
    decision: decisionSchema.optional(),
    routes: z.array(routeSchema).default([]),
  }),
) as z.ZodType<RouteConfigShape>;

export const alertingSection = defineSection({
  schema: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Route alerts to receivers.'),
      dashboard_url: z
        .string()
        .default('http://127.0.0.1:8080')
        .describe('Base of alert links: <dashboard_url>/alerts/<id>.'),
      receivers: z
        .array(receiverSchema)
        .default([])
        .describe('Named receivers. A `log` receiver named "log" always exists.'),
      route: routeSchema
        .default({
          match: {},
          continue: false,
          mute_windows: [],
          escalate: [],
          digest: true,
          routes: [],
        })
        .describe('The root route: matches everything; children refine.'),
      defaults: z
        .strictObject({
          receivers: z.array(name()).default(['log']),
          group_by: z.array(z.enum(GROUP_KEYS)).default(['rule', 'entity']),
          group_wait_secs: nonNegSecs().default(30),
          group_interval_secs: secs().default(300),
          repeat_interval_secs: secs().default(4 * 3600),
        })
        .prefault({})
        .describe('Route settings a route inherits when neither it nor a parent sets them.'),
      digest: z
        .strictObject({
          max_severity: z.enum(['informational', 'low', 'medium']).default('low'),
          interval_secs: secs().default(3600),
        })
        .prefault({}),
      flap: z
        .strictObject({
          window_secs: secs().default(3600),
          max_refires: z.number().int().positive().default(3),
        })
        .prefault({})
        .describe(
          'A rule+entity whose new episodes fire more than max_refires times in window_secs is held (counted, not sent) until it calms down.',
        ),
      delivery: z
        .strictObject({
          base_backoff_secs: z.number().positive().default(2),
          max_backoff_secs: secs().default(300),
          failing_after_attempts: z.number().int().positive().default(5),
          max_age_secs: secs()
            .default(7 * 86400)
            .describe('Give up (and alert) after this.'),
        })
        .prefault({}),
      health: z
        .strictObject({
          enabled: z.boolean().default(true),
          interval_secs: secs().default(60),
          min_free_disk_pct: z.number().min(0).max(100).default(5),
          max_ingest_errors: z
            .number()
            .int()
            .positive()
            .default(100)
            .describe('Refused/dropped events per interval before alerting.'),
          max_forwarder_lag_secs: secs()
            .default(900)
            .describe('Alert when a forwarder has not been acknowledged for this long.'),
        })
        .prefault({}),
    })
    .prefault({}),
  validate(v) {
    const issues: ConfigIssue[] = [];
    const names = new Set<string>(['log']);
    v.receivers.forEach((r, i) => {
      if (names.has(r.name))
        issues.push({
          path: ['receivers', i, 'name'],
          message: `receiver name ${JSON.stringify(r.name)} is used twice (or is the built-in "log")`,
        });
      names.add(r.name);
    });
    const check = (list: readonly string[] | undefined, path: (string | number)[]) =>
      list?.forEach((n, i) => {
        if (!names.has(n))
          issues.push({
            path: [...path, i],
            message: `no receiver named ${JSON.stringify(n)} (known: ${[...names].join(', ')})`,
          });
      });
    check(v.defaults.receivers, ['defaults', 'receivers']);
    const walk = (r: RouteConfigShape, path: (string | number)[]) => {
      check(r.receivers, [...path, 'receivers']);
      r.escalate.forEach((t, i) => check(t.receivers, [...path, 'escalate', i, 'receivers']));
      check(r.decision?.receivers, [...path, 'decision', 'receivers']);
      if (Array.isArray(r.match.severity))
        r.match.severity.forEach((s, i) => {
          if (!/^(informational|low|medium|high|critical)$/.test(s))
            issues.push({
              path: [...path, 'match', 'severity', i],
              message: `${JSON.stringify(s)}: expected a severity`,
            });
        });
      r.mute_windows.forEach((w, i) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: w.time_zone });
        } catch {
          issues.push({
            path: [...path, 'mute_windows', i, 'time_zone'],
            message: `unknown time zone ${JSON.stringify(w.time_zone)}`,
          });
        }
      });
      r.routes.forEach((c, i) => walk(c, [...path, 'routes', i]));
    };
    walk(v.route, ['route']);
    return issues;
  },
});
