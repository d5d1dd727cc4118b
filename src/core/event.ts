/**
 * The one event schema (docs/schema.md, ARCHITECTURE §3). Events are flat JSON objects with
 * dotted keys; names follow OpenTelemetry semantic conventions where one exists and event names
 * follow the OWASP Logging Vocabulary.
 *
 * @example
 * const e: SecurityEvent = {
 *   id: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a',
 *   time: '2026-11-27T09:00:00.000Z',
 *   'event.name': 'authn_login_fail',
 *   'event.category': 'authn',
 *   'event.outcome': 'failure',
 *   severity: 'WARN',
 *   'user.id': 'joebob1',
 *   'client.address': '203.0.113.9',
 * };
 */

/**
 * OWASP levels plus ERROR for application errors; mapped to OTel numbers in {@link SEVERITY_NUMBER}.
 *
 * @example
 * const s: Severity = 'CRITICAL';
 */
export type Severity = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL';

/**
 * OTel log data model SeverityNumber for each level (DEBUG=5, INFO=9, WARN=13, ERROR=17, FATAL=21).
 *
 * @example
 * SEVERITY_NUMBER.WARN; // 13
 */
export const SEVERITY_NUMBER: Readonly<Record<Severity, number>> = {
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  CRITICAL: 21,
};

/**
 * Whether the action succeeded (OTel/ECS `event.outcome`).
 *
 * @example
 * const o: Outcome = 'failure';
 */
export type Outcome = 'success' | 'failure' | 'unknown';

/**
 * Where an event entered logwarden. `file:` is followed by the path.
 *
 * @example
 * const s: LogSource = 'file:/var/log/nginx/access.log';
 */
export type LogSource = 'sdk' | 'http' | 'otlp' | 'syslog' | `file:${string}` | 'internal' | string;

/**
 * Every field the core knows, with its type. Anything else goes under `attributes`.
 * The order of this interface is the canonical order in which stored JSON is written.
 *
 * @example
 * const e: SecurityEvent = { id: uuidv7(), time: new Date().toISOString(), 'event.name': 'log' };
 */
export interface SecurityEvent {
  // identity
  id: string;
  time: string;
  observed_time?: string;
  // what
  'event.name': string;
  'event.category'?: string;
  'event.action'?: string;
  'event.outcome'?: Outcome;
  'event.reason'?: string;
  severity?: Severity;
  severity_number?: number;
  message?: string;
  // where
  'service.name'?: string;
  'service.version'?: string;
  'deployment.environment'?: string;
  'host.name'?: string;
  'http.request.method'?: string;
  'url.path'?: string;
  'url.query'?: string;
  'http.route'?: string;
  'http.response.status_code'?: number;
  'http.response.body.bytes'?: number;
  'http.request.referrer'?: string;
  'http.server.duration_ms'?: number;
  'code.function'?: string;
  'server.address'?: string;
  'server.port'?: number;
  // who
  'client.address'?: string;
  'client.port'?: number;
  'user.id'?: string;
  'user.name'?: string;
  'session.id'?: string;
  'user_agent.original'?: string;
  // correlation
  'request.id'?: string;
  trace_id?: string;
  span_id?: string;
  // errors
  'error.type'?: string;
  'error.message'?: string;
  'exception.stacktrace'?: string;
  // provenance
  'log.source'?: LogSource;
  'log.source_id'?: string;
  'log.format'?: string;
  'log.original'?: string;
  /** Names of redactions applied to this event (e.g. `field:password`, `pattern:card`): never silent. */
  'log.redactions'?: string[];
  // extra (free-form, size-capped)
  attributes?: Record<string, unknown>;
}

/**
 * Name of a schema field.
 *
 * @example
 * const f: EventField = 'client.address';
 */
export type EventField = keyof SecurityEvent;

type FieldKind = 'string' | 'number' | 'string[]' | 'object';

/**
 * The known fields with their JSON kind, in canonical order. Validation and storage read this.
 *
 * @example
 * for (const [field, kind] of EVENT_FIELDS) console.log(field, kind); // 'id' 'string', ...
 */
export const EVENT_FIELDS: ReadonlyArray<readonly [EventField, FieldKind]> = [
  ['id', 'string'],
  ['time', 'string'],
  ['observed_time', 'string'],
  ['event.name', 'string'],
  ['event.category', 'string'],
  ['event.action', 'string'],
  ['event.outcome', 'string'],
  ['event.reason', 'string'],
  ['severity', 'string'],
  ['severity_number', 'number'],
  ['message', 'string'],
  ['service.name', 'string'],
  ['service.version', 'string'],
  ['deployment.environment', 'string'],
  ['host.name', 'string'],
  ['http.request.method', 'string'],
  ['url.path', 'string'],
  ['url.query', 'string'],
  ['http.route', 'string'],
  ['http.response.status_code', 'number'],
  ['http.response.body.bytes', 'number'],
  ['http.request.referrer', 'string'],
  ['http.server.duration_ms', 'number'],
  ['code.function', 'string'],
  ['server.address', 'string'],
  ['server.port', 'number'],
  ['client.address', 'string'],
  ['client.port', 'number'],
  ['user.id', 'string'],
  ['user.name', 'string'],
  ['session.id', 'string'],
  ['user_agent.original', 'string'],
  ['request.id', 'string'],
  ['trace_id', 'string'],
  ['span_id', 'string'],
  ['error.type', 'string'],
  ['error.message', 'string'],
  ['exception.stacktrace', 'string'],
  ['log.source', 'string'],
  ['log.source_id', 'string'],
  ['log.format', 'string'],
  ['log.original', 'string'],
  ['log.redactions', 'string[]'],
  ['attributes', 'object'],
];

/**
 * Field name -> JSON kind; undefined for names that are not schema fields.
 *
 * @example
 * EVENT_FIELD_KIND.get('http.response.status_code'); // 'number'
 */
export const EVENT_FIELD_KIND: ReadonlyMap<string, FieldKind> = new Map(EVENT_FIELDS);

/**
 * Event names that are not in the OWASP vocabulary but that logwarden itself produces.
 *
 * @example
 * NON_VOCABULARY_EVENTS.heartbeat.level; // 'DEBUG'
 */
export const NON_VOCABULARY_EVENTS = {
  /** One HTTP request from an access log, OTLP or the SDK's request sampling. */
  http_request: { category: 'http', level: 'INFO' },
  /** A line no parser understood, or a free-form log record. */
  log: { category: 'log', level: 'INFO' },
  /** logwarden's own liveness beat (ARCHITECTURE §4): silence is visible. */
  heartbeat: { category: 'logwarden', level: 'DEBUG' },
  /** Something had to be refused or dropped; the attributes say what and how many. */
  loss: { category: 'logwarden', level: 'WARN' },
  /** A detection alert recorded into the ledger. */
  alert: { category: 'logwarden', level: 'WARN' },
  /** A review sign-off, recorded into the ledger so the trail is tamper-evident. */
  review_signoff: { category: 'logwarden', level: 'INFO' },
  /**
   * An unhandled application error (a 500 from the framework's error path): `error.type` and
   * `error.message` say what, never the stack. The OWASP vocabulary has no such event.
   */
  app_error: { category: 'error', level: 'ERROR' },
} as const;
