#!/usr/bin/env node
// `logwarden scan` throughput and memory (issue 5), side by side with Debian's fail2ban-regex on
// the same auth.log in the same run, and the per-event cost of the full rule set.
//   npm run build && node bench/gen-logs.mjs /tmp/lwbench/1m --lines 1000000 \
//     && node bench/gen-logs.mjs /tmp/lwbench/3m --lines 3000000 \
//     && node bench/scan.mjs /tmp/lwbench/1m [--big /tmp/lwbench/3m] [--sigma DIR] [--events N]
// Measurements, each in a fresh child process so its peak RSS is its own:
//   scan          scanFiles() (what `logwarden scan FILE` runs: read, detect format, parse,
//                 Sigma + patterns + silence + anomalies, alert episodes) on DIR/auth.log and
//                 DIR/access.log with the shipped rule pack; with --sigma also with the SigmaHQ
//                 web and linux rules loaded as `--rules` (DIR = a SigmaHQ `rules/` folder) in
//                 the per-event table, and in whole-file scans too with --sigma-scan
//   fail2ban      `fail2ban-regex DIR/auth.log /etc/fail2ban/filter.d/sshd.conf` (skipped, with
//                 the reason printed, when fail2ban-regex is not installed)
//   --big DIR     the same scans on DIR's (larger) files: peak RSS must not grow with file size
//   --heap-cap MB scans with V8's old space capped at MB (and the live heap after a full GC
//                 reported): proof that the state, not just the RSS, stays bounded
//   --scan-only   only the scans (no fail2ban-regex, no per-event table)
//   --threads N   worker threads of the default scans (default: scan's own, one per core); every
//                 file is also scanned with --threads 1 so the table shows what threads add
//   --parts       where a parallel scan's CPU goes, per line, all on one thread in turn: the
//                 workers' stage (read, parse, Sigma rules, patterns), the structured clone of
//                 its results both ways (deserialize; plus decodeRange in builds before session 4,
//                 which rebuilt objects from the wire), and the main
//                 thread's ordered stage (correlations, episodes, baselines)
//   --parts-only  only the --parts table (no scans, no fail2ban-regex, no per-event table)
// LOGWARDEN_BENCH_DIST=DIR runs the build in DIR instead of ../dist (a private copy for A/B
// runs; DIR/../node_modules and DIR/../rules must be there as beside dist/).
//   per-event     N events (default 100,000) parsed in memory first, then the detection engine
//                 alone over them: microseconds per event for the full rule set
// Figures vary a lot on a shared 2-core machine: compare ratios within one run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// LOGWARDEN_BENCH_DIST: another build (e.g. a private copy kept for A/B runs while dist/ is rebuilt)
const dist = path.resolve(process.env.LOGWARDEN_BENCH_DIST ?? path.resolve(here, '../dist'));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

async function childScan(file, threads, ruleDirs) {
  const { scanFiles } = await import(path.join(dist, 'cli/commands/scan.js'));
  const t0 = performance.now();
  const r = await scanFiles([file], {
    logFormat: 'auto',
    ruleDirs,
    builtin: true,
    progress: false,
    ...(threads === 'default' || threads === '-' ? {} : { threads: Number(threads) }),
  });
  const secs = (performance.now() - t0) / 1000;
  const lines = r.summaries.reduce((n, s) => n + s.lines, 0);
  // Live heap after a full collection (with --heap-cap the child runs with --expose-gc): what
  // the scan really holds, as opposed to peak RSS, which V8 lets grow while memory is plentiful.
  globalThis.gc?.();
  const liveHeapMB = globalThis.gc ? process.memoryUsage().heapUsed / 2 ** 20 : undefined;
  process.stdout.write(
    JSON.stringify({
      lines,
      secs,
      alerts: r.alerts.length,
      ruleErrors: r.ruleErrors.length,
      maxRssKB: process.resourceUsage().maxRSS,
      liveHeapMB,
    }),
  );
}

async function childParts(file, ruleDirs) {
  const { statSync } = await import('node:fs');
  const { serialize, deserialize } = await import('node:v8');
  const { createStage, decodeRange } = await import(path.join(dist, 'detection/scan/stage.js'));
  const { sampleLines, createRangeConsumer } = await import(
    path.join(dist, 'detection/scan/index.js')
  );
  const { createDetectionEngine, loadRules, ruleSources } = await import(
    path.join(dist, 'detection/engine/index.js')
  );
  const size = statSync(file).size;
  const ctx = { now: Date.now(), source: `file:${file}` };
  const sample = sampleLines(file);
  // Builds before ruleSources() loaded the rules in createStage themselves.
  const stage = createStage(
    ruleSources
      ? { sources: ruleSources(loadRules({ dirs: ruleDirs }).rules), patterns: true }
      : { builtin: true, ruleDirs, patterns: true },
  );
  stage.setFile({ file, logFormat: 'auto', sample, ctx });
  const engine = createDetectionEngine({
    rules: loadRules({ dirs: ruleDirs }).rules,
    collect: true,
  });
  const consumer = createRangeConsumer(
    engine,
    { logFormat: 'auto', ctx, source: ctx.source },
    sample,
  );
  const R = 4 << 20;
  const t = { stage: 0, serialize: 0, deserialize: 0, consume: 0 };
  let lines = 0;
  for (let s = 0, id = 0; s < size; s += R, id++) {
    let t0 = performance.now();
    const r = stage.run(id, s, Math.min(size, s + R));
    t.stage += performance.now() - t0;
    t0 = performance.now();
    const buf = serialize(r);
    t.serialize += performance.now() - t0;
    t0 = performance.now();
    // What the main thread does with a worker's message: deserialize it (and, in builds before
    // session 4, rebuild objects from it with decodeRange) before the ordered stage reads it.
    const back = decodeRange ? decodeRange(deserialize(buf)) : deserialize(buf);
    t.deserialize += performance.now() - t0;
    t0 = performance.now();
    consumer.consume(back);
    t.consume += performance.now() - t0;
    lines += r.lines;
  }
  const t0 = performance.now();
  engine.finish();
  engine.takeAlerts();
  t.consume += performance.now() - t0;
  const us = Object.fromEntries(Object.entries(t).map(([k, ms]) => [k, (ms * 1000) / lines]));
  process.stdout.write(JSON.stringify({ lines, us }));
}

async function childPerEvent(file, ruleDirs, n) {
  const { createLineParser } = await import(path.join(dist, 'parsers/index.js'));
  const { createDetectionEngine, loadRules } = await import(
    path.join(dist, 'detection/engine/index.js')
  );
  const text = readFileSync(file, 'utf8');
  const lines = [];
  let at = 0;
  while (lines.length < n && at < text.length) {
    const nl = text.indexOf('\n', at);
    lines.push(text.slice(at, nl < 0 ? text.length : nl));
    at = nl < 0 ? text.length : nl + 1;
  }
  const ctx = { now: Date.parse('2026-11-27T12:00:00Z'), source: `file:${file}` };
  const parser = createLineParser('auto', { sample: lines.slice(0, 200) });
  const t0 = performance.now();
  const events = lines.map((l) => parser.parse(l, ctx));
  const parseUs = ((performance.now() - t0) * 1000) / lines.length;
  const { rules } = loadRules({ dirs: ruleDirs });
  // Best of three passes over fresh engines (JIT warm-up, GC noise on a shared machine).
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const engine = createDetectionEngine({ rules });
    const copies = events.map((e) => ({ ...e })); // engines keep references; no sharing across passes
    const t = performance.now();
    for (const e of copies) engine.process(e, { source: 'bench' });
    engine.finish();
    best = Math.min(best, ((performance.now() - t) * 1000) / copies.length);
  }
  process.stdout.write(
    JSON.stringify({ events: lines.length, rules: rules.length, parseUs, detectUs: best }),
  );
}

const heapCap = opt('--heap-cap');
function runChild(mode, ...rest) {
  // --heap-cap MB: scans run with V8's old space capped (they die if their state outgrew it)
  const flags =
    heapCap !== undefined && mode === 'scan'
      ? [`--max-old-space-size=${heapCap}`, '--expose-gc']
      : [];
  const r = spawnSync(
    process.execPath,
    [...flags, fileURLToPath(import.meta.url), '--child', mode, ...rest],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  if (r.status !== 0) throw new Error(`child ${mode} ${rest.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function fail2ban(file) {
  const bin = spawnSync('sh', ['-c', 'command -v fail2ban-regex'], { encoding: 'utf8' });
  const filter = '/etc/fail2ban/filter.d/sshd.conf';
  if (bin.status !== 0 || !existsSync(filter))
    return { skipped: 'fail2ban-regex not installed (apt-get install fail2ban); column skipped' };
  const time = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = spawnSync(
    time ? '/usr/bin/time' : 'fail2ban-regex',
    time ? ['-f', 'MAXRSS %M', 'fail2ban-regex', file, filter] : [file, filter],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const secs = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    return { skipped: `fail2ban-regex exited ${r.status}: ${r.stderr.slice(0, 200)}` };
  const m = /Lines: (\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed/.exec(r.stdout);
  const rss = /MAXRSS (\d+)/.exec(r.stderr);
  return {
    lines: m ? Number(m[1]) : NaN,
    matched: m ? Number(m[3]) : NaN,
    secs,
    maxRssKB: rss ? Number(rss[1]) : undefined,
  };
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const mb = (kb) => (kb === undefined ? '–' : `${Math.round(kb / 1024)} MB`);

async function main() {
  if (args[0] === '--child') {
    const [, mode, file, n, ...dirs] = args;
    if (mode === 'scan') return childScan(file, n, dirs); // n: threads for scans
    if (mode === 'parts') return childParts(file, dirs);
    return childPerEvent(file, dirs, Number(n));
  }
  const dir = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  if (
    !dir ||
    !existsSync(path.join(dir, 'auth.log')) ||
    !existsSync(path.join(dir, 'access.log'))
  ) {
    console.error(
      'usage: node bench/scan.mjs DIR [--big DIR] [--sigma RULES_DIR [--sigma-scan]] [--events N] [--threads N] [--parts]',
    );
    console.error('DIR holds auth.log and access.log from bench/gen-logs.mjs');
    process.exit(64);
  }
  if (!existsSync(path.join(dist, 'cli/commands/scan.js'))) {
    console.error('dist/ missing: run `npm run build` first');
    process.exit(66);
  }
  const big = opt('--big');
  const sigma = opt('--sigma');
  const sigmaDirs = sigma
    ? [path.join(sigma, 'web'), path.join(sigma, 'linux')].filter(existsSync)
    : [];
  const nEvents = Number(opt('--events') ?? 100_000);
  console.log(`node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})`);
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  const rows = [];
  const threads = opt('--threads') ?? 'default';
  const scanRow = (label, file, dirs, th = threads) => {
    const r = runChild('scan', file, String(th), ...dirs);
    const row = { label, file, ...r, rate: r.lines / r.secs };
    rows.push(row);
    console.log(
      `${label}: ${fmt(r.lines)} lines in ${r.secs.toFixed(1)} s = ${fmt(row.rate)} lines/s, peak RSS ${mb(r.maxRssKB)}${r.liveHeapMB === undefined ? '' : ` (heap capped at ${heapCap} MB; live heap at the end ${Math.round(r.liveHeapMB)} MB)`}, ${r.alerts} alerts${r.ruleErrors ? `, ${r.ruleErrors} rules not loaded` : ''}`,
    );
    return row;
  };
  const auth = path.join(dir, 'auth.log');
  const access = path.join(dir, 'access.log');
  const partsOnly = args.includes('--parts-only');
  const scanOnly = args.includes('--scan-only') || partsOnly;
  const f2b = scanOnly ? { skipped: '--scan-only' } : fail2ban(auth);
  if (f2b.skipped) console.log(`fail2ban-regex: ${f2b.skipped}`);
  else
    console.log(
      `fail2ban-regex sshd: ${fmt(f2b.lines)} lines (${fmt(f2b.matched)} matched) in ${f2b.secs.toFixed(1)} s = ${fmt(f2b.lines / f2b.secs)} lines/s, peak RSS ${mb(f2b.maxRssKB)}`,
    );
  const thLabel =
    threads === 'default' ? `${os.availableParallelism()} threads` : `${threads} threads`;
  const none = { rate: NaN };
  const sa = partsOnly ? none : scanRow(`scan auth.log (shipped pack, ${thLabel})`, auth, []);
  const sx = partsOnly ? none : scanRow(`scan access.log (shipped pack, ${thLabel})`, access, []);
  const sa1 = partsOnly ? none : scanRow('scan auth.log (shipped pack, --threads 1)', auth, [], 1);
  const sx1 = partsOnly
    ? none
    : scanRow('scan access.log (shipped pack, --threads 1)', access, [], 1);
  if (!partsOnly && sigmaDirs.length > 0 && args.includes('--sigma-scan')) {
    scanRow('scan auth.log (+ SigmaHQ web, linux)', auth, sigmaDirs);
    scanRow('scan access.log (+ SigmaHQ web, linux)', access, sigmaDirs);
  }
  if (!partsOnly && big && existsSync(path.join(big, 'auth.log'))) {
    scanRow(
      `scan auth.log, larger file (shipped pack, ${thLabel})`,
      path.join(big, 'auth.log'),
      [],
    );
    scanRow(
      `scan access.log, larger file (shipped pack, ${thLabel})`,
      path.join(big, 'access.log'),
      [],
    );
  }
  const per = [];
  for (const [label, file, dirs] of scanOnly
    ? []
    : [
        ['auth.log, shipped pack', auth, []],
        ['access.log, shipped pack', access, []],
        ...(sigmaDirs.length > 0
          ? [
              ['auth.log, + SigmaHQ web, linux', auth, sigmaDirs],
              ['access.log, + SigmaHQ web, linux', access, sigmaDirs],
            ]
          : []),
      ]) {
    const r = runChild('per-event', file, String(nEvents), ...dirs);
    per.push({ label, ...r });
    console.log(
      `per event (${label}, ${r.rules} rules, ${fmt(r.events)} events): parse ${r.parseUs.toFixed(2)} µs, detection ${r.detectUs.toFixed(2)} µs`,
    );
  }
  const parts = [];
  if (args.includes('--parts') || partsOnly)
    for (const [label, file] of [
      ['auth.log', auth],
      ['access.log', access],
    ]) {
      const r = runChild('parts', file, '-');
      parts.push({ label, ...r });
      console.log(
        `parts (${label}, µs per line, one thread in turn): ${Object.entries(r.us)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', ')}`,
      );
    }
  console.log(
    `load average at end: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  console.log('\n| run | lines | seconds | lines/s | peak RSS | alerts |');
  console.log('|---|---:|---:|---:|---:|---:|');
  if (!f2b.skipped)
    console.log(
      `| fail2ban-regex auth.log (filter.d/sshd.conf) | ${fmt(f2b.lines)} | ${f2b.secs.toFixed(1)} | ${fmt(f2b.lines / f2b.secs)} | ${mb(f2b.maxRssKB)} | – |`,
    );
  for (const r of rows)
    console.log(
      `| ${r.label} | ${fmt(r.lines)} | ${r.secs.toFixed(1)} | ${fmt(r.rate)} | ${mb(r.maxRssKB)} | ${r.alerts} |`,
    );
  if (!f2b.skipped)
    console.log(
      `\nscan / fail2ban-regex on auth.log: ${(sa.rate / (f2b.lines / f2b.secs)).toFixed(2)}x (target >= 10x; --threads 1: ${(sa1.rate / (f2b.lines / f2b.secs)).toFixed(2)}x)`,
    );
  if (!partsOnly)
    console.log(
      `scan access.log: ${fmt(sx.rate)} lines/s (target >= 100,000; --threads 1: ${fmt(sx1.rate)})`,
    );
  if (parts.length > 0) {
    console.log(
      '\n| file | stage (workers) | serialize | deserialize | ordered stage (main) | µs/line |',
    );
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const p of parts)
      console.log(
        `| ${p.label} | ${p.us.stage.toFixed(2)} | ${p.us.serialize.toFixed(2)} | ${p.us.deserialize.toFixed(2)} | ${p.us.consume.toFixed(2)} | ${Object.values(
          p.us,
        )
          .reduce((a, b) => a + b, 0)
          .toFixed(2)} |`,
      );
  }
  console.log('\n| events | rules | parse µs/event | detection µs/event |');
  console.log('|---|---:|---:|---:|');
  for (const p of per)
    console.log(`| ${p.label} | ${p.rules} | ${p.parseUs.toFixed(2)} | ${p.detectUs.toFixed(2)} |`);
}

await main();
