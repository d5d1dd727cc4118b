/**
 * Decision client for the SDK middleware: polls `GET /v1/decisions` on the collector with a
 * read-scope token and answers `isBlocked(ip, user)` from a local set, synchronously, so the
 * request path never waits on the network. Expiry is checked locally on every call, so a block
 * ends on time even between polls. A failed poll keeps the last known set (fail static) and is
 * counted; the client never throws after creation (STYLE habit 7).
 *
 * @example
 * const decisions = createDecisionClient({ endpoint: 'http://127.0.0.1:8080', token: READ_TOKEN });
 * app.use(expressSecurity(logger, { isBlocked: decisions.isBlocked }).middleware);
 */
import { LogwardenError } from '../core/errors.js';

export interface DecisionClientOptions {
  /** The collector's base URL (`logwarden serve`). */
  readonly endpoint: string;
  /** A token with the `read` scope. */
  readonly token: string;
  /** How often to poll; default 5000 ms (at least 250). */
  readonly pollIntervalMs?: number;
  /** Per-request timeout; default 5000 ms. */
  readonly timeoutMs?: number;
  /** Clock (tests). */
  readonly now?: () => number;
}

export interface DecisionClientStats {
  polls: number;
  pollErrors: number;
  lastError: string | undefined;
  blockedAddresses: number;
  lockedUsers: number;
}

export interface DecisionClient {
  /** True when the address is banned or the user locked (and the decision has not expired). */
  readonly isBlocked: (clientAddress: string | undefined, userId: string | undefined) => boolean;
  /** Poll now; resolves when the set is updated (or the poll failed, counted in stats). */
  refresh(): Promise<void>;
  readonly stats: Readonly<DecisionClientStats>;
  /** Stop polling. Idempotent. */
  close(): void;
}

interface DecisionJson {
  type?: unknown;
  value?: unknown;
  expires_ms?: unknown;
}

/** IPv4-mapped IPv6 (`::ffff:192.0.2.1`) is the IPv4 address for matching. */
const normalize = (ip: string): string =>
  (ip.startsWith('::ffff:') ? ip.slice(7) : ip).toLowerCase();

export function createDecisionClient(o: DecisionClientOptions): DecisionClient {
  let base: URL;
  try {
    base = new URL(o.endpoint);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new LogwardenError(
      'LW_SDK_CONFIG',
      `decisions endpoint: expected an http(s) URL, got ${JSON.stringify(String(o.endpoint).slice(0, 100))}`,
    );
  }
  if (typeof o.token !== 'string' || o.token.length === 0)
    throw new LogwardenError('LW_SDK_CONFIG', 'decisions token: expected a read-scope token');
  const every = o.pollIntervalMs ?? 5000;
  if (!Number.isFinite(every) || every < 250)
    throw new LogwardenError(
      'LW_SDK_CONFIG',
      `decisions pollIntervalMs: expected at least 250, got ${every}`,
    );
  const now = o.now ?? Date.now;
  const url = new URL('/v1/decisions', base).toString();
  let ips = new Map<string, number>();
  let users = new Map<string, number>();
  const stats: DecisionClientStats = {
    polls: 0,
    pollErrors: 0,
    lastError: undefined,
    blockedAddresses: 0,
    lockedUsers: 0,
  };
  let inflight: Promise<void> | undefined;
  let closed = false;

  const poll = async (): Promise<void> => {
    stats.polls++;
    try {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${o.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { decisions?: DecisionJson[] };
      const nextIps = new Map<string, number>();
      const nextUsers = new Map<string, number>();
      for (const d of body.decisions ?? []) {
        if (typeof d.value !== 'string' || typeof d.expires_ms !== 'number') continue;
        if (d.type === 'ban_ip') nextIps.set(normalize(d.value), d.expires_ms);
        else if (d.type === 'lock_user') nextUsers.set(d.value, d.expires_ms);
      }
      ips = nextIps;
      users = nextUsers;
      stats.blockedAddresses = ips.size;
      stats.lockedUsers = users.size;
      stats.lastError = undefined;
    } catch (e) {
      // Keep the last known set: an unreachable collector must not lift every block.
      stats.pollErrors++;
      stats.lastError = e instanceof Error ? e.message : String(e);
    }
  };
  const refresh = (): Promise<void> => (inflight ??= poll().finally(() => (inflight = undefined)));
  const timer = setInterval(() => {
    if (!closed) void refresh();
  }, every);
  timer.unref();
  void refresh();

  const active = (m: Map<string, number>, k: string | undefined): boolean => {
    if (k === undefined) return false;
    const until = m.get(k);
    return until !== undefined && until > now();
  };
  return {
    isBlocked: (ip, user) =>
      active(ips, ip === undefined ? undefined : normalize(ip)) || active(users, user),
    refresh,
    stats,
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
