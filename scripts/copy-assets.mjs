// Copies the files tsc does not emit (the dashboard's static assets) into dist/, so the
// installed package serves them from beside the compiled server. Part of `npm run build`.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const assets = [['src/dashboard/static', 'dist/dashboard/static']];
for (const [from, to] of assets) {
  const src = path.join(root, from);
  if (existsSync(src)) cpSync(src, path.join(root, to), { recursive: true });
}
