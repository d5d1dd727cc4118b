import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createTokenStore, hasScope, TOKEN_MIGRATIONS } from './token-store.js';

function fresh() {
  const db = new Database(':memory:');
  for (const sql of TOKEN_MIGRATIONS) db.exec(sql);
  return { db, tokens: createTokenStore(db) };
}

describe('token store', () => {
  it('stores only a hash; verifies the token; revocation is immediate', () => {
    const { db, tokens } = fresh();
    const { token, info } = tokens.create('web-1', ['ingest'], 1000);
    expect(token).toMatch(/^lw_[A-Za-z0-9_-]{43}$/);
    const raw = JSON.stringify(db.prepare('SELECT * FROM auth_tokens').all());
    expect(raw).not.toContain(token.slice(3));
    expect(tokens.verify(token)?.name).toBe('web-1');
    expect(tokens.verify(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
    expect(tokens.verify('lw_short')).toBeUndefined();
    expect(info).toMatchObject({ scopes: ['ingest'], createdMs: 1000, revokedMs: null });
    tokens.revoke('web-1', 2000);
    expect(tokens.verify(token)).toBeUndefined();
    expect(tokens.list()[0]?.revokedMs).toBe(2000);
    expect(() => tokens.revoke('web-1')).toThrow(/already revoked/);
    expect(() => tokens.revoke('nope')).toThrow(/no token named "nope"/);
  });

  it('refuses duplicate names, bad names and unknown scopes', () => {
    const { tokens } = fresh();
    tokens.create('a', ['read']);
    expect(() => tokens.create('a', ['read'])).toThrow(/already in use/);
    expect(() => tokens.create('has space', ['read'])).toThrow(/token name "has space"/);
    expect(() => tokens.create('b', ['root' as 'read'])).toThrow(/scope "root"/);
    expect(() => tokens.create('c', [])).toThrow(/scope/);
  });

  it('admin implies every scope; read does not imply ingest', () => {
    const { tokens } = fresh();
    const admin = tokens.create('adm', ['admin']).info;
    const read = tokens.create('r', ['read']).info;
    expect(hasScope(admin, 'ingest')).toBe(true);
    expect(hasScope(read, 'read')).toBe(true);
    expect(hasScope(read, 'ingest')).toBe(false);
  });
});
