/**
 * What one parsed log line tells an investigator: which of when / where / who / what / outcome
 * it answers (ARCHITECTURE §3 groups), which high-value event kind it is, and whether it is a
 * security event at all (the noise ratio's numerator).
 */
import type { ParsedEvent } from '../../parsers/index.js';

/** Fields measured per line, grouped by the question they answer. */
export const COVERAGE_FIELDS = {
  time: 'when',
  time_zone: 'when',
  host: 'where',
  service: 'where',
  method: 'where',
  route: 'where',
  client: 'who',
  user: 'who',
  session: 'who',
  event_kind: 'what',
  outcome: 'outcome',
  status: 'outcome',
} as const;

export type CoverageField = keyof typeof COVERAGE_FIELDS;
export type Dimension = (typeof COVERAGE_FIELDS)[CoverageField];
export const DIMENSIONS: readonly Dimension[] = ['when', 'where', 'who', 'what', 'outcome'];

/** The event kinds an assessor looks for first (OWASP Logging Cheat Sheet "which events"). */
export const HIGH_VALUE_KINDS = {
  login_success: 'Login success',
  login_failure: 'Login failure',
  authz_failure: 'Authorization failure',
  input_validation: 'Input validation failure',
  error: 'Error',
  admin: 'Administrative action',
} as const;
export type HighValueKind = keyof typeof HIGH_VALUE_KINDS;

export interface LineFacts {
  readonly fields: ReadonlySet<CoverageField>;
  readonly kinds: readonly HighValueKind[];
  readonly security: boolean;
}

const GENERIC = new Set(['log', 'http_request']);
const ADMIN =
  /^(?:authz_admin|authz_change|privilege_|user_(?:created|updated|archived|deleted)|sys_(?:restart|shutdown|startup|monitor))/;

const has = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** The facts of one parsed line. */
export function lineFacts(ev: ParsedEvent): LineFacts {
  const f = new Set<CoverageField>();
  const name = ev['event.name'];
  const status = ev['http.response.status_code'];
  if (has(ev.time)) {
    f.add('time');
    if (ev.attributes?.['time.assumed'] === undefined) f.add('time_zone');
  }
  if (has(ev['host.name'])) f.add('host');
  if (has(ev['service.name'])) f.add('service');
  if (has(ev['http.request.method'])) f.add('method');
  if (has(ev['http.route']) || has(ev['url.path']) || has(ev['event.action'])) f.add('route');
  if (has(ev['client.address'])) f.add('client');
  if (has(ev['user.id']) || has(ev['user.name'])) f.add('user');
  if (has(ev['session.id'])) f.add('session');
  if (!GENERIC.has(name) && ev['log.format'] !== 'unparsed') f.add('event_kind');
  if (typeof status === 'number') f.add('status');
  if (
    typeof status === 'number' ||
    (ev['event.outcome'] !== undefined && ev['event.outcome'] !== 'unknown')
  )
    f.add('outcome');

  const kinds: HighValueKind[] = [];
  if (name.startsWith('authn_login_success')) kinds.push('login_success');
  if (name.startsWith('authn_login_fail') || name === 'authn_login_lock')
    kinds.push('login_failure');
  if (name === 'authz_fail' || status === 401 || status === 403) kinds.push('authz_failure');
  if (name.startsWith('input_validation') || status === 400 || status === 422)
    kinds.push('input_validation');
  if (
    ev.severity === 'ERROR' ||
    ev.severity === 'CRITICAL' ||
    name === 'sys_crash' ||
    has(ev['error.type']) ||
    (typeof status === 'number' && status >= 500)
  )
    kinds.push('error');
  if (ADMIN.test(name)) kinds.push('admin');

  const security =
    kinds.length > 0 ||
    (!GENERIC.has(name) && ev['log.format'] !== 'unparsed') ||
    ev.severity === 'WARN';
  return { fields: f, kinds, security };
}
