/**
 * Dashboard sessions in SQLite (they survive a restart; a stolen database does not yield live
 * session ids: only SHA-256 hashes of them are stored, as for API tokens). Each session carries
 * its own CSRF synchronizer token (OWASP CSRF Cheat Sheet), an idle and an absolute timeout.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

export const SESSION_MIGRATIONS: readonly string[] = [
  `CREATE TABLE dashboard_sessions (
     hash BLOB PRIMARY KEY,
     user TEXT NOT NULL,
     csrf TEXT NOT NULL,
     created_ms INTEGER NOT NULL,
     last_ms INTEGER NOT NULL,
     client TEXT
   ) STRICT`,
  'CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user)',
];

export interface Session {
  readonly user: string;
  readonly csrf: string;
  readonly createdMs: number;
  readonly lastMs: number;
}

export interface SessionStore {
  /** A new session; the returned id is the cookie value (never stored in clear). */
  create(user: string, client: string, nowMs?: number): { id: string; session: Session };
  /** The live session for a cookie value (and touch it), or undefined when unknown or expired. */
  touch(id: string, nowMs?: number): Session | undefined;
  end(id: string): void;
  /** End every session of a user (password reset, role change). */
  endAll(user: string): number;
}

const ID = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (id: string): Buffer => createHash('sha256').update(id).digest();

export function createSessionStore(
  db: Database.Database,
  o: { idleMs: number; absoluteMs: number },
): SessionStore {
  const ins = db.prepare(
    'INSERT INTO dashboard_sessions (hash, user, csrf, created_ms, last_ms, client) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const get = db.prepare(
    'SELECT user, csrf, created_ms, last_ms FROM dashboard_sessions WHERE hash = ?',
  );
  const upd = db.prepare('UPDATE dashboard_sessions SET last_ms = ? WHERE hash = ?');
  const del = db.prepare('DELETE FROM dashboard_sessions WHERE hash = ?');
  const expire = db.prepare('DELETE FROM dashboard_sessions WHERE last_ms < ? OR created_ms < ?');
  let lastSweep = 0;
  return {
    create(user, client, nowMs = Date.now()) {
      const id = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      ins.run(hashOf(id), user, csrf, nowMs, nowMs, client);
      return { id, session: { user, csrf, createdMs: nowMs, lastMs: nowMs } };
    },
    touch(id, nowMs = Date.now()) {
      if (nowMs - lastSweep > 60_000) {
        lastSweep = nowMs;
        expire.run(nowMs - o.idleMs, nowMs - o.absoluteMs);
      }
      if (!ID.test(id)) return undefined;
      const h = hashOf(id);
      const r = get.get(h) as
        { user: string; csrf: string; created_ms: number; last_ms: number } | undefined;
      if (!r) return undefined;
      if (nowMs - r.last_ms > o.idleMs || nowMs - r.created_ms > o.absoluteMs) {
        del.run(h);
        return undefined;
      }
      // Touch at most every 10 s: a page's burst of API calls costs one write, not ten.
      if (nowMs - r.last_ms > 10_000) upd.run(nowMs, h);
      return { user: r.user, csrf: r.csrf, createdMs: r.created_ms, lastMs: nowMs };
    },
    end(id) {
      if (ID.test(id)) del.run(hashOf(id));
    },
    endAll(user) {
      return db.prepare('DELETE FROM dashboard_sessions WHERE user = ?').run(user).changes;
    },
  };
}
