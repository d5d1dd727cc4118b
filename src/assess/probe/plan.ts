/**
 * The probe plan: the scope guard (loopback only unless `--authorize HOST` names the target's
 * host exactly), the bounds (request count and rate, with hard caps no option can lift) and the
 * concrete requests, each with its probe's canary.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { LogwardenError } from '../../core/errors.js';
import { PADDING, PROBE_SHAPES, PROBE_USER_AGENT, type ProbeShape } from './shapes.js';

export const PROBE_LIMITS = {
  /** Default and hard cap of requests in one run. */
  maxRequests: { default: 100, cap: 500 },
  /** Requests per second. */
  rate: { default: 10, cap: 50 },
  /** Size of the 404 burst. */
  burst: { default: 30, cap: 200 },
} as const;

export interface ProbePlanOptions {
  readonly target: string;
  /** Hosts the operator authorized, compared exactly (case-insensitive) to the target's host. */
  readonly authorize?: readonly string[];
  readonly loginPath?: string;
  readonly userField?: string;
  readonly passwordField?: string;
  readonly burst?: number;
  readonly rate?: number;
  readonly maxRequests?: number;
  /** Only these shapes (names); default all. */
  readonly only?: readonly string[];
  /** Fixed canaries (tests); default random. */
  readonly canary?: (shape: ProbeShape) => string;
}

export interface PlannedRequest {
  readonly probe: string;
  readonly index: number;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface PlannedProbe {
  readonly shape: ProbeShape;
  readonly canary: string;
  readonly requests: readonly PlannedRequest[];
}

export interface ProbePlan {
  readonly target: URL;
  readonly rate: number;
  readonly probes: readonly PlannedProbe[];
  readonly total: number;
}

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h) || /^0*:?(?:0*:)*0*1$/.test(h);
  return false;
}

function bounded(
  v: number | undefined,
  name: string,
  lim: { default: number; cap: number },
): number {
  const n = v ?? lim.default;
  if (!Number.isInteger(n) || n < 1 || n > lim.cap)
    throw new LogwardenError(
      'LW_USAGE',
      `${name} ${String(v)}: expected an integer from 1 to ${lim.cap} (hard cap)`,
    );
  return n;
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** Check scope and bounds and expand the shapes into requests. */
export function planProbe(o: ProbePlanOptions): ProbePlan {
  let target: URL;
  try {
    target = new URL(o.target);
  } catch {
    throw new LogwardenError(
      'LW_USAGE',
      `target ${JSON.stringify(o.target)} is not a URL (expected http://host:port/)`,
    );
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new LogwardenError('LW_USAGE', `target ${o.target}: only http and https are probed`);
  if (target.username || target.password)
    throw new LogwardenError(
      'LW_USAGE',
      `target ${target.host}: credentials in the URL are not accepted`,
    );
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const authorized = (o.authorize ?? []).map((h) => h.replace(/^\[|\]$/g, '').toLowerCase());
  if (!isLoopbackHost(host) && !authorized.includes(host))
    throw new LogwardenError(
      'LW_SCOPE_DENIED',
      `target host ${host} is not loopback; probing it needs --authorize ${host} (exactly this host, and only with the owner's permission)`,
    );
  const rate = bounded(o.rate, '--rate', PROBE_LIMITS.rate);
  const burst = bounded(o.burst, '--burst', PROBE_LIMITS.burst);
  const maxRequests = bounded(o.maxRequests, '--max-requests', PROBE_LIMITS.maxRequests);
  const loginPath = o.loginPath ?? '/login';
  if (!loginPath.startsWith('/') || /[\s?#]/.test(loginPath))
    throw new LogwardenError(
      'LW_USAGE',
      `--login-path ${JSON.stringify(loginPath)}: expected a path starting with / (no query)`,
    );
  const userField = o.userField ?? 'email';
  const passwordField = o.passwordField ?? 'password';
  for (const [name, v] of [
    ['--user-field', userField],
    ['--password-field', passwordField],
  ] as const)
    if (!FIELD.test(v))
      throw new LogwardenError('LW_USAGE', `${name} ${JSON.stringify(v)}: expected a field name`);
  const known = PROBE_SHAPES.map((s) => s.name);
  for (const n of o.only ?? [])
    if (!known.includes(n))
      throw new LogwardenError(
        'LW_USAGE',
        `--only ${n}: unknown probe (known: ${known.join(', ')})`,
      );
  const shapes = PROBE_SHAPES.filter((s) => o.only === undefined || o.only.includes(s.name));

  const probes: PlannedProbe[] = shapes.map((shape) => {
    const canary = o.canary?.(shape) ?? `lwp${randomBytes(5).toString('hex')}`;
    const n = shape.count === 'burst' ? burst : shape.count;
    const requests: PlannedRequest[] = [];
    for (let i = 0; i < n; i++) {
      const fill = (s: string): string =>
        s
          .replaceAll('{canary}', canary)
          .replaceAll('{i}', String(i))
          .replaceAll('{login_path}', loginPath)
          .replaceAll('{user_field}', userField)
          .replaceAll('{password_field}', passwordField)
          .replaceAll('{padding}', PADDING);
      const headers: Record<string, string> = {
        'user-agent': fill(PROBE_USER_AGENT),
        'x-logwarden-probe': canary,
      };
      for (const [k, v] of Object.entries(shape.headers ?? {})) headers[k] = fill(v);
      let body: string | undefined;
      if (shape.json) {
        body = JSON.stringify(
          Object.fromEntries(Object.entries(shape.json).map(([k, v]) => [fill(k), fill(v)])),
        );
        headers['content-type'] = 'application/json';
      }
      // Concatenate rather than resolve: URL resolution would normalize the ../ probe away.
      const base = target.origin + target.pathname.replace(/\/$/, '');
      requests.push({
        probe: shape.name,
        index: i,
        method: shape.method,
        url: base + fill(shape.path),
        headers,
        ...(body !== undefined ? { body } : {}),
      });
    }
    return { shape, canary, requests };
  });
  const total = probes.reduce((s, p) => s + p.requests.length, 0);
  if (total > maxRequests)
    throw new LogwardenError(
      'LW_USAGE',
      `the plan needs ${total} requests, more than --max-requests ${maxRequests}; lower --burst or pick probes with --only`,
    );
  return { target, rate, probes, total };
}
