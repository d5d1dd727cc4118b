/**
 * The alerting tick runs four times a second beside the store's writer thread. When nothing is
 * due it must not take the database's write lock (ingest would wait for it); when something is
 * due it must.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, httpPeer, makeAlert, rig } from './helpers.js';

afterEach(cleanup);

describe('alerting tick and the write lock', () => {
  it('an idle tick leaves the write lock alone; a due one needs it', async () => {
    const peer = await httpPeer();
    const r = rig({
      receivers: [{ name: 'hook', type: 'webhook', url: peer.url }],
      route: { receivers: ['hook'], group_wait_secs: 5 },
    });
    await r.step(0); // the first tick prunes the flap history (a write)
    r.store.db.pragma('busy_timeout = 0'); // a wait for the lock fails at once
    const other = new Database(path.join(r.dir, 'logwarden.db'));
    try {
      other.prepare('BEGIN IMMEDIATE').run(); // another connection holds the write lock
      for (let i = 0; i < 8; i++) await r.step(250);
      other.prepare('COMMIT').run();
      r.publish(makeAlert({ episode: 1 })); // grouped: due 5 s from now
      other.prepare('BEGIN IMMEDIATE').run();
      await r.step(1000); // not due yet: no lock needed
      expect(peer.received).toHaveLength(0);
      r.clock.advance(5000);
      expect(() => r.alerting.tick()).toThrow(/locked|busy/i); // due: the flush must write
      other.prepare('COMMIT').run();
      await r.step(0);
      expect(peer.received).toHaveLength(1);
    } finally {
      if (other.inTransaction) other.prepare('ROLLBACK').run();
      other.close();
    }
  });
});
