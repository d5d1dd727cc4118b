/**
 * Test fixture: a real SQLite store in a temp dir with signed entries (checkpointer), for the
 * forwarder tests against real loopback receivers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { prepareEvent } from '../core/prepare.js';
import { createCheckpointer, type Checkpointer } from '../ledger/checkpointer.js';
import { type LedgerVerifier, generateKey, parseSignerKey } from '../ledger/keys.js';
import { openSqliteStore, type SqliteStore } from '../storage/index.js';

export interface TestLedger {
  readonly store: SqliteStore;
  readonly checkpointer: Checkpointer;
  readonly origin: string;
  /** The origin's verification key. */
  readonly verifier: LedgerVerifier;
  add(n: number, extra?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function openTestLedger(origin = 'logs.test/fwd'): Promise<TestLedger> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lw-fwd-'));
  const store = openSqliteStore({ path: path.join(dir, 'logwarden.db') });
  const key = parseSignerKey(generateKey(origin).skey);
  const checkpointer = createCheckpointer({ store, key, origin });
  let i = 0;
  return {
    store,
    checkpointer,
    origin,
    verifier: key.verifier,
    async add(n, extra = {}) {
      const events = Array.from({ length: n }, () => {
        const r = prepareEvent(
          {
            'event.name': 'authn_login_fail',
            'user.id': `user${i++}`,
            severity: 'WARN',
            message: 'a "quoted" ] message \\ with ünïcode',
            ...extra,
          },
          { source: 'test', logSource: 'http' },
        );
        if (!r.ok) throw new Error('fixture event rejected');
        return r.prepared;
      });
      await store.append(events);
      checkpointer.checkpointNow();
    },
    async close() {
      await checkpointer.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
