#!/usr/bin/env node
// One-shot import benchmark (issue 3, "What it must show", last bullet):
//   npm run build && node bench/gen-logs.mjs /tmp/lwbench && node bench/import.mjs /tmp/lwbench
//   options: --lines N (use the first N lines of each file; default all), --files access,auth,
//            --order insert,import,insert (the runs per file, in this order; the best insert counts)
// For each of DIR/access.log and DIR/auth.log (1,000,000 lines each from gen-logs.mjs), in one run:
//   parse     readline + createLineParser('auto') on every line (parsing alone; target >= 300,000 lines/s)
//   import    the real CLI, `logwarden ingest FILE --data <fresh dir>` as a child process: wall
//             time (process start to exit, so startup and the final commit count) and peak RSS
//             (VmHWM from /proc, polled)
//   insert    the direct store-insert rate of the same events: the same lines parsed, given the
//             same deterministic ids and prepared with prepareEvent, all of them, *untimed*; then
//             store.append (batches of 5,000, each awaited) and store.close() are timed, into a
//             fresh data directory opened as ingest opens it (synchronous=full, commits in the
//             writer thread, full-text index completed at close as ingest's exit does). Its peak
//             RSS holds every prepared event in memory and is not a figure of interest.
// Target: import lines/s >= 0.70 x insert events/s. Runs alternate insert, import, insert and the
// better insert counts (a noisy shared 2-core machine: compare ratios within one run).
import { spawn, execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../dist');
const CLI = path.join(dist, 'cli/main.js');
const BATCH = 5000;

async function* lines(file, limit) {
  const rl = readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const l of rl) {
    if (n++ >= limit) break;
    yield l;
  }
  rl.close();
}

/** Child: parse alone, or the direct insert of the prepared events. Prints one JSON line. */
async function child(mode, file, limit, dbDir) {
  const { createLineParser } = await import(path.join(dist, 'parsers/index.js'));
  const ctx = { now: Date.now(), source: `file:${path.resolve(file)}` };
  if (mode === 'parse') {
    // readline consumed directly (no async generator in between), as bench/parse.mjs `stream`.
    const rl = readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let p;
    let n = 0;
    let parsed = 0;
    const t0 = performance.now();
    for await (const l of rl) {
      if (n >= limit) break;
      p ??= createLineParser('auto');
      n++;
      if (p.parse(l, ctx)['log.format'] !== 'unparsed') parsed++;
    }
    const ms = performance.now() - t0;
    rl.close();
    process.stdout.write(
      JSON.stringify({ mode, lines: n, parsed, ms, rss: process.resourceUsage().maxRSS * 1024 }),
    );
    return;
  }
  const { prepareEvent } = await import(path.join(dist, 'core/prepare.js'));
  const { createRedactor } = await import(path.join(dist, 'core/redact.js'));
  const { deterministicId } = await import(path.join(dist, 'core/ids.js'));
  const { createHash } = await import('node:crypto');
  const { openDataDir } = await import(path.join(dist, 'server/data-dir.js'));
  const { store } = openDataDir(dbDir);
  const redactor = createRedactor();
  const source = `file:${path.resolve(file)}`;
  // The same sample, parser and ids as `logwarden ingest` (src/cli/commands/ingest.ts).
  const sample = [];
  for await (const l of lines(file, Math.min(200, limit))) sample.push(l);
  const parser = createLineParser('auto', { sample });
  const identity = createHash('sha256').update(sample.join('\n')).digest('hex');
  // Every event is prepared first (untimed), so that nothing of the store's work runs outside
  // the timed window; then appends (batches of 5,000, each awaited) and close() are timed:
  // close() commits, finishes the full-text index (built in the background on the main
  // connection after each commit) and checkpoints the WAL, as `logwarden ingest` does before it
  // exits. Leaving close() out would leave part of the store's own work out of its rate.
  let n = 0;
  const all = [];
  for await (const l of lines(file, limit)) {
    n++;
    const ev = parser.parse(l, ctx);
    ev.id = deterministicId('ingest', identity, String(n));
    const r = prepareEvent(ev, { source, logSource: source, redactor });
    if (r.ok) all.push(r.prepared);
  }
  const t0 = performance.now();
  for (let i = 0; i < all.length; i += BATCH) await store.append(all.slice(i, i + BATCH));
  const stored = store.size();
  await store.close();
  const ms = performance.now() - t0;
  process.stdout.write(
    JSON.stringify({ mode, lines: n, stored, ms, rss: process.resourceUsage().maxRSS * 1024 }),
  );
}

function runNode(args) {
  return JSON.parse(
    execFileSync(process.execPath, ['--max-old-space-size=8192', ...args], {
      maxBuffer: 1 << 20,
      stdio: ['ignore', 'pipe', 'inherit'],
    }).toString(),
  );
}

/** `logwarden ingest` as users run it; wall time and peak RSS of the process. */
function runImport(file, dbDir) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const c = spawn(process.execPath, [CLI, 'ingest', file, '--data', dbDir, '--format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let hwm = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${c.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]) * 1024);
      } catch {
        // exited between two polls
      }
    }, 100);
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('close', (code) => {
      clearInterval(poll);
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`ingest exited ${code}: ${err.slice(-2000)}`));
      const [s] = JSON.parse(out);
      resolve({
        mode: 'import',
        lines: s.lines,
        stored: s.stored + s.duplicates,
        rejected: s.rejected,
        ms,
        rss: hwm,
      });
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) {
    console.error('usage: node bench/import.mjs DIR [--lines N] [--files access,auth]');
    process.exit(64);
  }
  const opt = (name) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const limit = Number(opt('lines') ?? Infinity);
  const files = (opt('files') ?? 'access,auth').split(',');
  // --order insert,import skips the second insert run (each 1M-line run takes minutes here).
  const order = (opt('order') ?? 'insert,import,insert').split(',');
  if (!existsSync(CLI)) {
    console.error(`${CLI} is missing: run npm run build first`);
    process.exit(1);
  }
  const load = os.loadavg();
  console.log(
    `# ${new Date().toISOString()} node ${process.version}, ${os.cpus().length} cores, load average ${load.map((x) => x.toFixed(1)).join(' ')}`,
  );
  const rows = [];
  for (const name of files) {
    const file = path.join(dir, `${name}.log`);
    if (!existsSync(file)) {
      console.error(`${file} is missing: node bench/gen-logs.mjs ${dir}`);
      process.exit(1);
    }
    const lim = Number.isFinite(limit) ? String(limit) : 'Infinity';
    const parse = runNode([fileURLToPath(import.meta.url), '--child', 'parse', file, lim]);
    const runs = [];
    for (const mode of order) {
      const dbDir = mkdtempSync(path.join(os.tmpdir(), 'lw-bench-import-'));
      try {
        if (mode === 'import') {
          if (Number.isFinite(limit)) {
            // ingest reads whole files: give it the same first N lines.
            const cut = path.join(dbDir, `${name}.log`);
            execFileSync('sh', ['-c', `head -n ${limit} "$1" > "$2"`, 'sh', file, cut]);
            runs.push(await runImport(cut, path.join(dbDir, 'data')));
          } else runs.push(await runImport(file, path.join(dbDir, 'data')));
        } else
          runs.push(
            runNode([
              fileURLToPath(import.meta.url),
              '--child',
              'insert',
              file,
              lim,
              path.join(dbDir, 'data'),
            ]),
          );
      } finally {
        rmSync(dbDir, { recursive: true, force: true });
      }
      console.error(
        `${name} ${mode}: ${Math.round((runs.at(-1).lines / runs.at(-1).ms) * 1000)}/s`,
      );
    }
    const inserts = runs.filter((r) => r.mode === 'insert');
    const insert = inserts.reduce((a, b) => (a.ms <= b.ms ? a : b));
    const imp = runs.find((r) => r.mode === 'import');
    if (imp.stored !== insert.stored)
      console.error(`WARNING ${name}: import stored ${imp.stored}, insert ${insert.stored}`);
    const rate = (r) => Math.round((r.lines / r.ms) * 1000);
    rows.push({
      file: `${name}.log`,
      mode: 'parse (readline + parse)',
      lines: parse.lines,
      rate: rate(parse),
      rss: parse.rss,
    });
    rows.push({
      file: `${name}.log`,
      mode: 'import (`logwarden ingest`)',
      lines: imp.lines,
      rate: rate(imp),
      rss: imp.rss,
    });
    rows.push({
      file: `${name}.log`,
      mode: 'direct store insert',
      lines: insert.lines,
      rate: rate(insert),
      rss: insert.rss,
    });
    rows.push({
      file: `${name}.log`,
      mode: `import / insert = ${(rate(imp) / rate(insert)).toFixed(2)}`,
      lines: '',
      rate: '',
      rss: '',
    });
  }
  const mib = (b) => (b === '' ? '' : `${Math.round(b / 1048576)} MiB`);
  console.log('| file | mode | lines | lines/s | peak RSS |\n|---|---|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.file} | ${r.mode} | ${r.lines} | ${typeof r.rate === 'number' ? r.rate.toLocaleString('en-US') : ''} | ${mib(r.rss)} |`,
    );
  console.log(
    `# load average after: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], Number(process.argv[5]), process.argv[6]);
} else {
  await main();
}
