/**
 * Per-source bearer tokens. A token is `lw_` + 32 random bytes (base64url): high entropy, so a
 * plain SHA-256 is a sound way to store it (no password stretching needed; the same reasoning as
 * GitHub's and Stripe's API keys). Only the hash is stored; the token is shown once at creation.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { LogwardenError } from '../../core/errors.js';

export const TOKEN_SCOPES = ['ingest', 'read', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** A stored token, without its secret. The token name is also the source name of what it sends. */
export interface TokenInfo {
  readonly name: string;
  readonly scopes: readonly TokenScope[];
  readonly createdMs: number;
  readonly revokedMs: number | null;
  /** First characters of the token, enough to recognise it, never enough to use it. */
  readonly prefix: string;
}

export interface TokenStore {
  /** Create a token; returns the secret once. Names are unique, even after revocation. */
  create(
    name: string,
    scopes: readonly TokenScope[],
    nowMs?: number,
  ): { token: string; info: TokenInfo };
  list(): TokenInfo[];
  /** Revoke by name; throws LW_NOT_FOUND when there is no such active token. */
  revoke(name: string, nowMs?: number): TokenInfo;
  /** The active token matching a presented secret, or undefined. */
  verify(presented: string): TokenInfo | undefined;
}

/** SQL applied once per database (namespace `auth`). */
export const TOKEN_MIGRATIONS: readonly string[] = [
  `CREATE TABLE auth_tokens (
     name TEXT PRIMARY KEY,
     hash BLOB NOT NULL UNIQUE,
     prefix TEXT NOT NULL,
     scopes TEXT NOT NULL,
     created_ms INTEGER NOT NULL,
     revoked_ms INTEGER
   ) STRICT`,
];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TOKEN = /^lw_[A-Za-z0-9_-]{43}$/;

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

interface Row {
  name: string;
  hash: Buffer;
  prefix: string;
  scopes: string;
  created_ms: number;
  revoked_ms: number | null;
}

function toInfo(r: Row): TokenInfo {
  return {
    name: r.name,
    scopes: r.scopes.split(',') as TokenScope[],
    createdMs: r.created_ms,
    revokedMs: r.revoked_ms,
    prefix: r.prefix,
  };
}

/** Whether a token's scopes grant `needed` (admin grants everything). */
export function hasScope(info: TokenInfo, needed: TokenScope): boolean {
  return info.scopes.includes(needed) || info.scopes.includes('admin');
}

/**
 * @example
 * const tokens = createTokenStore(store.db); // after store.migrate('auth', TOKEN_MIGRATIONS)
 * const { token } = tokens.create('web-1', ['ingest']);
 */
export function createTokenStore(db: Database): TokenStore {
  const insert = db.prepare(
    'INSERT INTO auth_tokens (name, hash, prefix, scopes, created_ms) VALUES (?, ?, ?, ?, ?)',
  );
  const byName = db.prepare<[string], Row>('SELECT * FROM auth_tokens WHERE name = ?');
  const byHash = db.prepare<[Buffer], Row>('SELECT * FROM auth_tokens WHERE hash = ?');
  const all = db.prepare<[], Row>('SELECT * FROM auth_tokens ORDER BY created_ms, name');
  const revoke = db.prepare(
    'UPDATE auth_tokens SET revoked_ms = ? WHERE name = ? AND revoked_ms IS NULL',
  );

  return {
    create(name, scopes, nowMs = Date.now()) {
      if (!NAME.test(name)) {
        throw new LogwardenError(
          'LW_USAGE',
          `token name ${JSON.stringify(name)}: use 1-64 letters, digits, '.', '_' or '-' (it becomes the source name)`,
        );
      }
      const bad = scopes.find((s) => !TOKEN_SCOPES.includes(s));
      if (bad !== undefined || scopes.length === 0) {
        throw new LogwardenError(
          'LW_USAGE',
          `token scope ${JSON.stringify(bad ?? '')}: expected one of ${TOKEN_SCOPES.join(', ')}`,
        );
      }
      if (byName.get(name))
        throw new LogwardenError(
          'LW_CONFLICT',
          `token name ${JSON.stringify(name)} is already in use`,
        );
      const token = `lw_${randomBytes(32).toString('base64url')}`;
      const prefix = token.slice(0, 7);
      const uniqueScopes = [...new Set(scopes)];
      insert.run(name, hashToken(token), prefix, uniqueScopes.join(','), nowMs);
      return {
        token,
        info: { name, scopes: uniqueScopes, createdMs: nowMs, revokedMs: null, prefix },
      };
    },
    list() {
      return all.all().map(toInfo);
    },
    revoke(name, nowMs = Date.now()) {
      const changed = revoke.run(nowMs, name).changes;
      const row = byName.get(name);
      if (changed === 0 || !row) {
        throw new LogwardenError(
          'LW_NOT_FOUND',
          row
            ? `token ${JSON.stringify(name)} is already revoked`
            : `no token named ${JSON.stringify(name)}`,
        );
      }
      return toInfo(row);
    },
    verify(presented) {
      if (!TOKEN.test(presented)) return undefined;
      const hash = hashToken(presented);
      // Looked up by hash (an attacker cannot steer SHA-256 outputs), then compared in constant time.
      const row = byHash.get(hash);
      if (!row || !timingSafeEqual(row.hash, hash) || row.revoked_ms !== null) return undefined;
      return toInfo(row);
    },
  };
}
