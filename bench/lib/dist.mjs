// Which build a benchmark runs: ../../dist, or LOGWARDEN_BENCH_DIST=DIR (another build's dist/,
// e.g. a private copy kept for A/B runs while the work tree's dist/ is rebuilt; DIR/../node_modules
// and DIR/../rules must be there as beside dist/). One variable for the `serve` child process
// (DIR/cli/main.js) and for every module a bench imports in process, so one run never mixes two
// builds. bench/scan.mjs reads the same variable.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function chooseDist() {
  const dist = process.env.LOGWARDEN_BENCH_DIST;
  const cli = process.env.LOGWARDEN_BENCH_CLI;
  if (cli === undefined) return path.resolve(dist ?? path.join(here, '../../dist'));
  // The former variable named only the CLI, so in-process imports came from ../../dist.
  const fromCli = path.resolve(path.dirname(cli), '..');
  if (dist !== undefined && path.resolve(dist) !== fromCli)
    throw new Error(
      `LOGWARDEN_BENCH_CLI (${cli}) and LOGWARDEN_BENCH_DIST (${dist}) name different builds: set LOGWARDEN_BENCH_DIST only`,
    );
  console.warn(
    `LOGWARDEN_BENCH_CLI is replaced by LOGWARDEN_BENCH_DIST: running the build in ${fromCli} (LOGWARDEN_BENCH_DIST=${fromCli})`,
  );
  return fromCli;
}

/** The build's dist/ directory, absolute. */
export const DIST = chooseDist();

/** The build's CLI entry point (what `serve` children run). */
export const CLI = path.join(DIST, 'cli/main.js');

/** Import a module of the build, e.g. distModule('storage/sqlite/index.js'). */
export async function distModule(rel) {
  const file = path.join(DIST, rel);
  if (!existsSync(file)) throw new Error(`${file} missing: run \`npm run build\` first`);
  return import(pathToFileURL(file).href);
}
