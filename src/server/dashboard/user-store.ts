/**
 * Local dashboard users with roles. Passwords are hashed with scrypt (RFC 7914) and a random
 * per-user salt; the parameters are stored beside each hash so they can be raised later without
 * invalidating old hashes. N=2^15, r=8, p=1 is OWASP's Password Storage Cheat Sheet minimum for
 * scrypt (about 32 MiB and ~60 ms on a laptop core): slow enough for an offline attacker, fast
 * enough for a login. Verification compares in constant time.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type Database from 'better-sqlite3';
import { LogwardenError } from '../../core/errors.js';

export const ROLES = ['viewer', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do; every check in the dashboard goes through `can`. */
const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['read'],
  reviewer: ['read', 'triage', 'review'],
  admin: ['read', 'triage', 'review', 'admin'],
};
export type Permission = 'read' | 'triage' | 'review' | 'admin';

export function can(role: Role, p: Permission): boolean {
  return GRANTS[role].includes(p);
}

export interface UserInfo {
  readonly name: string;
  readonly role: Role;
  readonly createdMs: number;
  readonly passwordChangedMs: number;
  /** Set while the user is locked out after too many failed logins. */
  readonly lockedUntilMs: number | null;
}

export const USER_MIGRATIONS: readonly string[] = [
  `CREATE TABLE dashboard_users (
     name TEXT PRIMARY KEY,
     role TEXT NOT NULL,
     hash BLOB NOT NULL,
     salt BLOB NOT NULL,
     params TEXT NOT NULL,
     created_ms INTEGER NOT NULL,
     password_ms INTEGER NOT NULL,
     locked_until_ms INTEGER
   ) STRICT`,
];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const MIN_PASSWORD_CHARS = 12;
const PARAMS: ScryptOptions & { N: number; r: number; p: number } = {
  N: 32768,
  r: 8,
  p: 1,
  maxmem: 64 * 1024 * 1024,
};
const KEYLEN = 32;

function scrypt(password: string, salt: Buffer, o: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, KEYLEN, o, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

export function checkUserName(name: string): void {
  if (!NAME.test(name))
    throw new LogwardenError(
      'LW_USAGE',
      `user name ${JSON.stringify(name.slice(0, 70))}: 1-64 letters, digits, . _ @ - (starting with a letter or digit)`,
    );
}

export function checkRole(role: string): Role {
  if (!ROLES.includes(role as Role))
    throw new LogwardenError(
      'LW_USAGE',
      `role ${JSON.stringify(role)}: expected one of ${ROLES.join(', ')}`,
    );
  return role as Role;
}

function checkPassword(pw: string): void {
  if ([...pw].length < MIN_PASSWORD_CHARS)
    throw new LogwardenError(
      'LW_USAGE',
      `password: at least ${MIN_PASSWORD_CHARS} characters (a passphrase is easiest)`,
    );
  if (Buffer.byteLength(pw) > 1024)
    throw new LogwardenError('LW_USAGE', 'password: at most 1024 bytes');
}

/** A random password a person can type: 20 characters of base64url (120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

interface Row {
  name: string;
  role: string;
  hash: Buffer;
  salt: Buffer;
  params: string;
  created_ms: number;
  password_ms: number;
  locked_until_ms: number | null;
}

const toInfo = (r: Row): UserInfo => ({
  name: r.name,
  role: r.role as Role,
  createdMs: r.created_ms,
  passwordChangedMs: r.password_ms,
  lockedUntilMs: r.locked_until_ms,
});

export interface UserStore {
  create(name: string, role: Role, password: string, nowMs?: number): Promise<UserInfo>;
  /** New password (and unlock); throws LW_NOT_FOUND for an unknown user. */
  resetPassword(name: string, password: string, nowMs?: number): Promise<UserInfo>;
  setRole(name: string, role: Role): UserInfo;
  get(name: string): UserInfo | undefined;
  list(): UserInfo[];
  /** The user when the password matches; undefined otherwise (unknown users cost the same time). */
  verify(name: string, password: string): Promise<UserInfo | undefined>;
  lock(name: string, untilMs: number | null): void;
}

/**
 * @example
 * const users = createUserStore(store.db); await users.create('ana', 'reviewer', 'a long passphrase');
 */
export function createUserStore(db: Database.Database): UserStore {
  const getRow = db.prepare('SELECT * FROM dashboard_users WHERE name = ?');
  // A dummy hash so that an unknown user name takes as long as a wrong password (no user
  // enumeration by timing).
  let dummy: Promise<Buffer> | undefined;
  const byName = (name: string): Row | undefined => getRow.get(name) as Row | undefined;
  const must = (name: string): Row => {
    const r = byName(name);
    if (!r) throw new LogwardenError('LW_NOT_FOUND', `no dashboard user named "${name}"`);
    return r;
  };
  const hashNew = async (password: string) => {
    checkPassword(password);
    const salt = randomBytes(16);
    const hash = await scrypt(password, salt, PARAMS);
    return { salt, hash, params: JSON.stringify({ N: PARAMS.N, r: PARAMS.r, p: PARAMS.p }) };
  };
  return {
    async create(name, role, password, nowMs = Date.now()) {
      checkUserName(name);
      checkRole(role);
      if (byName(name)) throw new LogwardenError('LW_CONFLICT', `user "${name}" already exists`);
      const h = await hashNew(password);
      db.prepare(
        'INSERT INTO dashboard_users (name, role, hash, salt, params, created_ms, password_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(name, role, h.hash, h.salt, h.params, nowMs, nowMs);
      return toInfo(must(name));
    },
    async resetPassword(name, password, nowMs = Date.now()) {
      must(name);
      const h = await hashNew(password);
      db.prepare(
        'UPDATE dashboard_users SET hash = ?, salt = ?, params = ?, password_ms = ?, locked_until_ms = NULL WHERE name = ?',
      ).run(h.hash, h.salt, h.params, nowMs, name);
      return toInfo(must(name));
    },
    setRole(name, role) {
      must(name);
      db.prepare('UPDATE dashboard_users SET role = ? WHERE name = ?').run(checkRole(role), name);
      return toInfo(must(name));
    },
    get: (name) => {
      const r = byName(name);
      return r && toInfo(r);
    },
    list: () =>
      (db.prepare('SELECT * FROM dashboard_users ORDER BY name').all() as Row[]).map(toInfo),
    async verify(name, password) {
      const r = NAME.test(name) ? byName(name) : undefined;
      if (!r || Buffer.byteLength(password) > 1024) {
        dummy ??= scrypt('dummy-password', randomBytes(16), PARAMS);
        await dummy.then(() => scrypt(password.slice(0, 1024), randomBytes(16), PARAMS));
        return undefined;
      }
      const p = JSON.parse(r.params) as { N: number; r: number; p: number };
      const got = await scrypt(password, r.salt, { ...p, maxmem: PARAMS.maxmem });
      return got.length === r.hash.length && timingSafeEqual(got, r.hash) ? toInfo(r) : undefined;
    },
    lock(name, untilMs) {
      db.prepare('UPDATE dashboard_users SET locked_until_ms = ? WHERE name = ?').run(
        untilMs,
        name,
      );
    },
  };
}
