import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { runStoreContract } from './store.contract.js';

for (const fullText of ['inline', 'background'] as const) {
  runStoreContract(`sqlite (full text ${fullText})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-store-'));
    const path = join(dir, 'data', 'events.db');
    return {
      open: () => openSqliteStore({ path, fullText }),
      destroy: () => rmSync(dir, { recursive: true, force: true }),
    };
  });
}
