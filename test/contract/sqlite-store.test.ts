import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { runStoreContract } from './store.contract.js';

const variants = [
  { fullText: 'inline', writer: 'thread' },
  { fullText: 'background', writer: 'thread' },
  { fullText: 'inline', writer: 'main' },
] as const;

for (const { fullText, writer } of variants) {
  runStoreContract(`sqlite (full text ${fullText}, writer ${writer})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-store-'));
    const path = join(dir, 'data', 'events.db');
    return {
      open: () => openSqliteStore({ path, fullText, writer }),
      destroy: () => rmSync(dir, { recursive: true, force: true }),
    };
  });
}
