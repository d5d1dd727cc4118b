// Direct insert rate of the embedded store: realistic ~300-byte events appended in batches of
// 1,000 (one append call per batch, awaited), with the final schema, synchronous=FULL, on a
// fresh database in a temp dir. Runs the compiled code: `npm run build && node bench/store-insert.mjs [events] [rounds]`,
// or another build with LOGWARDEN_BENCH_DIST=DIR (bench/lib/dist.mjs).
//
// Variants (same run, so compare ratios, not absolute numbers, on a noisy 2-core machine):
//   default      writer thread, full text inline, one batch at a time
//   main-writer  commits on the main thread (the :memory: path), one batch at a time
//   pipelined    writer thread, 4 batches in flight (what an HTTP server with several
//                senders does: the next batches are prepared while one commits)
//   background   full text indexed by the catch-up cursor; "ack" = append throughput,
//                "sustained" = until the index has caught up with every event
//   no-secondary ablation: the five secondary indexes dropped (id unique index kept)
// loop_stall_*: gaps of a 1 ms interval timer on the main thread during the run, minus 1 ms: how
// long an HTTP server sharing the thread would have been unable to read a request.
// Then a few queries against the inline database, median of 5 runs each.
// Prints one JSON object.
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { distModule, makeStoreEvents, median, tempStores } from './lib/store.mjs';

const { openSqliteStore } = await distModule('storage/sqlite/index.js');
const { parseQuery } = await distModule('search/index.js');

const TOTAL = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const BATCH = 1000;
// The field this benchmark has always had beyond the common ones (~324-byte bodies).
const makeEvents = (n, t0) =>
  makeStoreEvents(n, t0, (i, name) => ({
    'event.category':
      name === 'http_request' ? 'http' : name === 'log' ? 'log' : name.split('_')[0],
  }));

const stores = tempStores(openSqliteStore, 'lw-bench-');
const freshStore = (opts = {}) => stores.open(opts);

async function run(name, events, opts, { drop = false, inFlight = 1 } = {}) {
  const store = freshStore(opts);
  if (drop) {
    for (const ix of [
      'events_time',
      'events_name',
      'events_source',
      'events_client',
      'events_user',
    ]) {
      store.db.exec(`DROP INDEX ${ix}`);
    }
  }
  const gaps = [];
  let last = process.hrtime.bigint();
  const ticker = setInterval(() => {
    const now = process.hrtime.bigint();
    gaps.push(Number(now - last) / 1e6 - 1);
    last = now;
  }, 1);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  // `inFlight` batches outstanding at any time; a new one starts as soon as one is acknowledged.
  let next = 0;
  const lane = async () => {
    while (next < events.length) {
      const from = next;
      next += BATCH;
      await store.append(events.slice(from, from + BATCH));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const ackS = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(ticker);
  gaps.sort((a, b) => a - b);
  const cpu = process.cpuUsage(c0);
  const result = {
    variant: name,
    events: events.length,
    ack_events_per_s: Math.round(events.length / ackS),
    // Events per CPU-second of this process: far less sensitive to other load on the machine.
    events_per_cpu_s: Math.round(events.length / ((cpu.user + cpu.system) / 1e6)),
    loop_stall_p99_ms: Number((gaps[Math.floor(gaps.length * 0.99)] ?? 0).toFixed(1)),
    loop_stall_max_ms: Number((gaps[gaps.length - 1] ?? 0).toFixed(1)),
  };
  if (opts.fullText === 'background') {
    const ftsCursor = store.db
      .prepare("SELECT value FROM store_state WHERE key = 'fts_indexed_seq'")
      .pluck();
    while (ftsCursor.get() < events.length) await new Promise((r) => setTimeout(r, 5));
    const allS = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpuAll = process.cpuUsage(c0);
    result.sustained_events_per_s = Math.round(events.length / allS);
    result.sustained_events_per_cpu_s = Math.round(
      events.length / ((cpuAll.user + cpuAll.system) / 1e6),
    );
  }
  return { store, result };
}

const t0 = Date.parse('2026-11-27T00:00:00Z');
const events = makeEvents(TOTAL, t0);
const avgBytes = Math.round(
  events.reduce((a, e) => a + Buffer.byteLength(e.body), 0) / events.length,
);
const results = [];

// Warm-up (JIT, page cache) on a small store, not reported.
await (await run('warmup', events.slice(0, 20_000), {})).store.close();

// Variants interleaved over several rounds; each figure is the median of its rounds, so a burst
// of load from elsewhere on the machine hits one round of every variant, not one variant.
const VARIANTS = [
  ['default', {}, {}],
  ['main-writer', { writer: 'main' }, {}],
  ['pipelined-4', {}, { inFlight: 4 }],
  ['background', { fullText: 'background' }, {}],
  ['no-secondary-indexes', {}, { drop: true }],
];
const perVariant = new Map(VARIANTS.map(([name]) => [name, []]));
let inline;
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, opts, extra] of VARIANTS) {
    const r = await run(name, events, opts, extra);
    perVariant.get(name).push(r.result);
    if (name === 'default' && round === ROUNDS - 1) inline = r;
    else await r.store.close();
  }
}
for (const [name, runs] of perVariant) {
  const out = { variant: name, events: TOTAL, rounds: runs.length };
  for (const k of Object.keys(runs[0]).filter(
    (k) => typeof runs[0][k] === 'number' && k !== 'events',
  )) {
    out[k] = median(runs.map((r) => r[k]));
  }
  results.push(out);
}
const base = results[0].ack_events_per_s;
for (const r of results) r.ack_ratio_to_default = Number((r.ack_events_per_s / base).toFixed(2));

const queries = {};
for (const q of [
  'name:authz_fail',
  'user:user42',
  'ip:203.0.7.0/24',
  'status:>=500 path:/api*',
  '"orders"',
  'after:2026-11-27T00:01:00Z',
]) {
  const filter = parseQuery(q, { nowMs: t0 + TOTAL });
  const times = [];
  let hits = 0;
  for (let k = 0; k < 5; k++) {
    const s = process.hrtime.bigint();
    hits = inline.store.query({ filter, limit: 100 }).length;
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  queries[q] = { median_ms: Number(median(times).toFixed(2)), hits };
}
await inline.store.close();
stores.cleanup();

console.log(
  JSON.stringify(
    {
      bench: 'store-insert',
      script: fileURLToPath(import.meta.url)
        .split('/')
        .slice(-2)
        .join('/'),
      node: process.version,
      cpus: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
      batch: BATCH,
      avg_event_bytes: avgBytes,
      synchronous: 'FULL',
      results,
      queries_100_newest: queries,
    },
    null,
    2,
  ),
);
