import { afterEach, describe, expect, it } from 'vitest';
import { type SqliteStore, openSqliteStore } from '../storage/index.js';
import { openCheckpointLog } from './checkpoint-log.js';
import { type LedgerBackingStore, commitWrites, openTiles } from './tiles.js';

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function memoryLedger() {
  const store = openSqliteStore({ path: ':memory:' });
  stores.push(store);
  openTiles(store); // the ledger tables
  return { store, log: openCheckpointLog(store.db) };
}

const cp = (size: number, tag: number) => ({
  size,
  root: Buffer.alloc(32, tag),
  note: `note ${size}/${tag}`,
  timeMs: 1000 + tag,
});

describe('checkpoint log', () => {
  it('latestWithin: the largest size in (from, to], the newest of that size', () => {
    const { log } = memoryLedger();
    for (const [size, tag] of [
      [5, 1],
      [10, 2],
      [10, 3],
      [20, 4],
    ] as const)
      log.insert(cp(size, tag));
    expect(log.latestWithin(0, 10)?.note).toBe('note 10/3');
    expect(log.latestWithin(0, 19)?.note).toBe('note 10/3');
    expect(log.latestWithin(4, 5)?.note).toBe('note 5/1');
    expect(log.latestWithin(5, 5)).toBeUndefined(); // from is excluded
    expect(log.latestWithin(10, 19)).toBeUndefined();
    expect(log.latestWithin(10, 20)?.note).toBe('note 20/4');
  });
});

describe('commitWrites', () => {
  it('uses writeWith when the store offers it', async () => {
    const { store, log } = memoryLedger();
    const w = log.insertWrite(cp(7, 9));
    const [r] = await commitWrites(store, [w]);
    expect(r?.changes).toBe(1);
    expect(log.latest()).toMatchObject({ id: r?.lastInsertRowid, size: 7, note: 'note 7/9' });
  });

  it('without writeWith: one transaction on the connection, all or nothing', async () => {
    const { store, log } = memoryLedger();
    // the same store seen without writeWith (db and the rest reached through the prototype)
    const bare = Object.create(store, { writeWith: { value: undefined } }) as LedgerBackingStore;
    const [r] = await commitWrites(bare, [log.insertWrite(cp(3, 1))]);
    expect(log.latest()).toMatchObject({ id: r?.lastInsertRowid, size: 3 });
    await expect(
      commitWrites(bare, [
        log.insertWrite(cp(4, 2)),
        { sql: 'INSERT INTO nowhere VALUES (1)', params: [] },
      ]),
    ).rejects.toThrow(/no such table/);
    expect(log.latest()?.size).toBe(3); // the first statement was rolled back with the second
  });
});
