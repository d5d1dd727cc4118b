// Ingest throughput with the ledger on versus off, same run (compare the ratio, not absolute
// numbers, on a noisy 2-core machine). "On" = a checkpointer signing every 1 s (the default)
// and notified after each append; the timer includes the final checkpoint at close, so every
// entry is re-read, re-hashed, folded into the tree, written to tiles and signed before the
// clock stops. Store: synchronous=FULL, inline full text (the defaults).
// Workload: ~330-byte events, append calls of 100 events with 10 calls in flight (group commit).
// Rounds alternate off/on to spread machine noise evenly; medians reported, plus the process
// CPU time per event (user + sys), which neighbours disturb less than wall-clock time.
// Then proof generation from tiles on the last ledger: median of 200 inclusion and 200
// consistency proofs (no rehash of history), and a full verifyLocal (entries/s).
//
// Run: npm run build (or npx tsc -p tsconfig.build.json --noEmitOnError false) && node bench/ledger.mjs [events] [rounds]
// (LOGWARDEN_BENCH_DIST=DIR runs another build: bench/lib/dist.mjs)
import { cpus } from 'node:os';
import { distModule, makeStoreEvents, median, tempStores } from './lib/store.mjs';

const { openSqliteStore } = await distModule('storage/sqlite/index.js');
const L = await distModule('ledger/index.js');

const TOTAL = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const CALL = 100;
const IN_FLIGHT = 10;
// The fields this benchmark has always had beyond the common ones (~330-byte bodies).
const makeEvents = (n, t0) =>
  makeStoreEvents(n, t0, (i, name, status) => ({
    'event.outcome': status < 400 ? 'success' : 'failure',
    'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
  }));

const stores = tempStores(openSqliteStore, 'lw-bench-ledger-');
const { skey } = L.generateKey('bench.example/ledger');
const key = L.parseSignerKey(skey);

async function run(ledgerOn, events) {
  const store = stores.open();
  const cp = ledgerOn
    ? L.createCheckpointer({ store, key, origin: 'bench.example/ledger' })
    : undefined;
  cp?.start();
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const from = next;
      next += CALL;
      await store.append(events.slice(from, from + CALL));
      cp?.notify();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  if (cp) await cp.close();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  const result = {
    eps: Math.round(events.length / secs),
    cpuUsPerEvent: Number(((cpu.user + cpu.system) / events.length).toFixed(2)),
    checkpoints: cp?.stats.signed ?? 0,
  };
  if (cp) {
    const latest = cp.latestCheckpoint();
    if (latest.size !== events.length)
      throw new Error(`signed ${latest.size}, expected ${events.length}`);
  }
  return { result, store, cp };
}

const off = [];
const on = [];
const offCpu = [];
const onCpu = [];
let keep;
for (let r = 0; r < ROUNDS; r++) {
  for (const ledgerOn of [false, true]) {
    const events = makeEvents(TOTAL, Date.now() - TOTAL);
    const { result, store, cp } = await run(ledgerOn, events);
    (ledgerOn ? on : off).push(result.eps);
    (ledgerOn ? onCpu : offCpu).push(result.cpuUsPerEvent);
    if (ledgerOn && r === ROUNDS - 1) keep = { store, cp };
    else await store.close();
  }
}

// Proofs from tiles on the last "on" ledger.
const { store, cp } = keep;
const size = cp.latestCheckpoint().size;
const root = cp.latestCheckpoint().root;
const time = (fn) => {
  const ts = [];
  for (let i = 0; i < 200; i++) {
    const t = process.hrtime.bigint();
    fn(i);
    ts.push(Number(process.hrtime.bigint() - t) / 1e3);
  }
  return Math.round(median(ts));
};
const inclusionUs = time((i) => {
  const index = Math.floor((i * 7919 * 104729) % size);
  const proof = cp.ledger.inclusionProof(index, size);
  L.verifyInclusion(index, size, store.getBySeq(index).leafHash, proof, root);
});
const consistencyUs = time((i) => {
  const m = 1 + Math.floor((i * 104729) % size);
  cp.ledger.consistencyProof(m, size);
});
const tiles = store.db.prepare('SELECT count(*) FROM ledger_tiles').pluck().get();
// Full local verification: re-hash every body, rebuild the tree, check every checkpoint.
const v0 = process.hrtime.bigint();
const report = L.verifyLocal({ store, keys: [key.verifier] });
const verifySecs = Number(process.hrtime.bigint() - v0) / 1e9;
if (report.status !== 'ok') throw new Error(`verify: ${report.status}`);
await store.close();
stores.cleanup();

console.log(
  JSON.stringify(
    {
      node: process.version,
      cpus: cpus().length,
      events: TOTAL,
      rounds: ROUNDS,
      ledger_off_eps: off,
      ledger_on_eps: on,
      median_off_eps: median(off),
      median_on_eps: median(on),
      on_over_off: Number((median(on) / median(off)).toFixed(3)),
      // CPU time of this process per event (user + sys): less sensitive to noisy neighbours
      // than wall-clock throughput; the ledger's cost is the difference.
      ledger_off_cpu_us_per_event: offCpu,
      ledger_on_cpu_us_per_event: onCpu,
      cpu_on_over_off: Number((median(onCpu) / median(offCpu)).toFixed(3)),
      inclusion_proof_median_us: inclusionUs,
      consistency_proof_median_us: consistencyUs,
      tile_rows: tiles,
      verify_entries_per_sec: Math.round(report.entries / verifySecs),
    },
    null,
    2,
  ),
);
