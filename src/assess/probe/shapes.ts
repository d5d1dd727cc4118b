/**
 * The probe's request shapes, as data. Each is harmless (nothing is exploited: made-up users,
 * paths that do not exist, payloads that only LOOK like attacks) and carries its own canary in
 * the path, the user name or the User-Agent, so its log lines can be found again. Placeholders:
 * {canary}, {i} (0-based request index), {login_path}, {user_field}, {password_field},
 * {padding} (the oversized header's filler).
 */

export interface ProbeShape {
  readonly name: string;
  readonly label: string;
  readonly method: 'GET' | 'POST';
  /** Path and query, with placeholders. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON body (POST), with placeholders in keys and values. */
  readonly json?: Readonly<Record<string, string>>;
  /** How many requests; `burst` uses the --burst count. */
  readonly count: number | 'burst';
  /** Whether the detection rules shipped with logwarden are expected to alert on it. */
  readonly expectAlert: boolean;
  /** What a defender should see. */
  readonly expect: string;
}

/** Sent on every probe (unless the shape sets its own): makes each request attributable. */
export const PROBE_USER_AGENT = 'logwarden-probe/1 (authorized logging test; canary {canary})';

export const PROBE_SHAPES: readonly ProbeShape[] = [
  {
    name: 'failed_logins',
    label: 'failed logins for made-up users',
    method: 'POST',
    path: '{login_path}',
    json: {
      '{user_field}': '{canary}-{i}@probe.invalid',
      '{password_field}': 'not-a-password-{i}',
    },
    count: 6,
    expectAlert: true,
    expect: 'authn_login_fail per attempt; password spraying / brute force alert',
  },
  {
    name: 'not_found_burst',
    label: 'burst of 404s (content discovery)',
    method: 'GET',
    path: '/lw-probe-{canary}/admin-{i}.php',
    count: 'burst',
    expectAlert: true,
    expect: 'a 404 per request; content discovery scan alert',
  },
  {
    name: 'sql_injection',
    label: 'SQL-injection-looking request',
    method: 'GET',
    path: "/search/1'%20OR%20'1'%3D'1'--%20{canary}?q=1'%20OR%20'1'%3D'1&lw_probe={canary}",
    count: 1,
    expectAlert: true,
    expect: 'request logged with its path; SQL injection alert',
  },
  {
    name: 'path_traversal',
    label: 'path traversal',
    method: 'GET',
    path: '/static/..%2f..%2f..%2f..%2fetc%2fpasswd?lw_probe={canary}',
    count: 1,
    expectAlert: true,
    expect: 'request logged; path traversal alert',
  },
  {
    name: 'scanner_user_agent',
    label: 'vulnerability scanner user agent',
    method: 'GET',
    path: '/?lw_probe={canary}',
    headers: { 'user-agent': 'sqlmap/1.7.2#stable (https://sqlmap.org) {canary}' },
    count: 1,
    expectAlert: true,
    expect: 'request logged with its user agent; attack tool alert',
  },
  {
    name: 'oversized_header',
    label: 'oversized request header (8 KiB)',
    method: 'GET',
    path: '/?lw_probe={canary}',
    headers: { 'x-logwarden-probe-padding': '{padding}' },
    count: 1,
    expectAlert: false,
    expect: 'request logged (an anomaly worth recording; no shipped rule alerts on it)',
  },
];

/** Filler for the oversized header: 8 KiB, under Node's and most servers' 16 KiB header limit. */
export const PADDING = 'A'.repeat(8 * 1024);
