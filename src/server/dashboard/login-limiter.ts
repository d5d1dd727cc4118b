/**
 * Failed-login counting per user and per client address (OWASP Authentication Cheat Sheet,
 * "Account lockout"): after `maxFailures` within the window the key is locked for `lockoutMs`.
 * Per-address limits stop one client spraying many users; per-user limits stop many clients
 * guessing one password. Counters live in memory and are bounded (oldest keys evicted); user
 * locks are also written to the users table by the caller so a restart does not lift them.
 */
export interface LoginLimiter {
  /** Milliseconds until `key` may try again (0 = now). */
  lockedFor(key: string, nowMs: number): number;
  /** Count a failure; returns true when this failure locked the key. */
  fail(key: string, nowMs: number): boolean;
  succeed(key: string): void;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

const MAX_KEYS = 10_000;

export function createLoginLimiter(o: {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}): LoginLimiter {
  const entries = new Map<string, Entry>();
  return {
    lockedFor(key, nowMs) {
      const e = entries.get(key);
      return e && e.lockedUntil > nowMs ? e.lockedUntil - nowMs : 0;
    },
    fail(key, nowMs) {
      let e = entries.get(key);
      if (!e) {
        if (entries.size >= MAX_KEYS) entries.delete(entries.keys().next().value as string);
        e = { failures: [], lockedUntil: 0 };
        entries.set(key, e);
      }
      e.failures = e.failures.filter((t) => t > nowMs - o.windowMs);
      e.failures.push(nowMs);
      if (e.failures.length >= o.maxFailures && e.lockedUntil <= nowMs) {
        e.lockedUntil = nowMs + o.lockoutMs;
        e.failures = [];
        return true;
      }
      return false;
    },
    succeed(key) {
      entries.delete(key);
    },
  };
}
