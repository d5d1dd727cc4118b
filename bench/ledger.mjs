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
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url);
const { openSqliteStore } = await import(new URL('storage/sqlite/index.js', dist).href);
const L = await import(new URL('ledger/index.js', dist).href);

const TOTAL = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const CALL = 100;
const IN_FLIGHT = 10;
const PATHS = [
  '/api/items',
  '/api/orders/42',
  '/login',
  '/admin/users',
  '/static/app.js',
  '/health',
];
const NAMES = [
  'http_request',
  'http_request',
  'http_request',
  'authn_login_fail',
  'authz_fail',
  'log',
];

function uuidv7(ms) {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function makeEvents(n, t0) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const ms = t0 + i;
    const name = NAMES[i % NAMES.length];
    const status = [200, 200, 304, 404, 401, 500][i % 6];
    const e = {
      id: uuidv7(ms),
      time: new Date(ms).toISOString(),
      'event.name': name,
      'event.outcome': status < 400 ? 'success' : 'failure',
      severity: status >= 500 ? 'ERROR' : 'INFO',
      message: `${['GET', 'POST'][i % 2]} ${PATHS[i % PATHS.length]} ${status}`,
      'http.request.method': ['GET', 'POST'][i % 2],
      'url.path': PATHS[i % PATHS.length],
      'http.response.status_code': status,
      'client.address': `203.0.${(i >> 8) & 255}.${i & 255}`,
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
      'log.source': 'http',
    };
    if (i % 3 === 0) e['user.id'] = `user${i % 500}`;
    out.push({ event: e, body: JSON.stringify(e), source: `web-${i % 4}` });
  }
  return out;
}

const dirs = [];
const { skey } = L.generateKey('bench.example/ledger');
const key = L.parseSignerKey(skey);

async function run(ledgerOn, events) {
  const dir = mkdtempSync(join(tmpdir(), 'lw-bench-ledger-'));
  dirs.push(dir);
  const store = openSqliteStore({ path: join(dir, 'events.db') });
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
  return { result, store, cp, dir };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
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
for (const d of dirs) rmSync(d, { recursive: true, force: true });

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
