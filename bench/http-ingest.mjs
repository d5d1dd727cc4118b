#!/usr/bin/env node
// HTTP ingest vs direct store.append, same events, same run (issue 2 target: HTTP >= 50%).
//
//   npm run build && node bench/http-ingest.mjs [--events 100000] [--batch 1000] [--senders 4] [--rounds 3]
//   LOGWARDEN_BENCH_DIST=DIR runs another build (DIR a copy of dist/) for both sides: the serve
//   child and the in-process store (bench/lib/dist.mjs).
//
// Direct: prepareEvent ahead of time (not timed), then store.append of 1,000-event batches with
// `senders` appends in flight (group commit), synchronous=full like the server's default.
// HTTP: a real `logwarden serve` child process (live detection off for the ratio: it is the
// ingest path that is compared with the store; one extra run with serve's defaults shows the
// cost of detection); `senders` concurrent clients POST NDJSON
// batches of 1,000 events; the server reads, validates, redacts, serializes and commits each
// before answering. Rounds alternate direct/HTTP so machine noise hits both alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeEvents, ndjsonBatches } from './lib/events.mjs';
import { distModule } from './lib/dist.mjs';
import { assertBuilt, createToken, sampleRss, startServe } from './lib/serve.mjs';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
    senders: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    size: { type: 'string', default: '300' },
    // The issue-2 target compares the ingest path with the store; live detection (on by default
    // in `serve`) is a separate cost, measured in one extra HTTP run unless this is 'off'.
    'detection-run': { type: 'string', default: 'on' },
  },
});
const EVENTS = Number(args.events);
const BATCH = Number(args.batch);
const SENDERS = Number(args.senders);
const ROUNDS = Number(args.rounds);
const SIZE = Number(args.size);

assertBuilt();
const { openSqliteStore } = await distModule('storage/sqlite/index.js');
const { prepareEvent } = await distModule('core/prepare.js');

const temps = [];
const tmp = (p) => {
  const d = mkdtempSync(path.join(tmpdir(), p));
  temps.push(d);
  return d;
};

async function pool(items, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function direct(events) {
  const dir = tmp('lw-bench-direct-');
  const store = openSqliteStore({ path: path.join(dir, 'logwarden.db'), synchronous: 'full' });
  const prepared = events.map((e) => {
    const r = prepareEvent(e, { source: 'bench', logSource: 'http' });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.prepared;
  });
  const batches = [];
  for (let i = 0; i < prepared.length; i += BATCH) batches.push(prepared.slice(i, i + BATCH));
  const t0 = process.hrtime.bigint();
  await pool(batches, SENDERS, (b) => store.append(b));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const size = store.size();
  await store.close();
  if (size !== events.length) throw new Error(`direct stored ${size}, expected ${events.length}`);
  return { rate: events.length / secs, secs };
}

async function http(events, env = { LOGWARDEN_DETECTION__ENABLED: 'false' }) {
  const dir = tmp('lw-bench-http-');
  const token = createToken(dir, 'bench');
  const srv = await startServe(dir, env);
  const bodies = ndjsonBatches(events, BATCH);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' };
  // Warm-up request (JIT, connection), not counted.
  await fetch(`${srv.url}/v1/events`, { method: 'POST', headers, body: bodies[0] });
  const stopRss = sampleRss(srv.pid);
  let retries = 0;
  try {
    const t0 = process.hrtime.bigint();
    await pool(bodies.slice(1), SENDERS, async (body) => {
      for (;;) {
        const res = await fetch(`${srv.url}/v1/events`, { method: 'POST', headers, body });
        const answer = await res.json();
        if (res.status === 200) return;
        if (res.status !== 429) throw new Error(`HTTP ${res.status}: ${JSON.stringify(answer)}`);
        retries++;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    return { rate: (events.length - BATCH) / secs, secs, peakRss: stopRss(), retries };
  } finally {
    stopRss();
    const { code } = await srv.stop();
    if (code !== 0) console.error(`serve exited ${code}`);
  }
}

const events = makeEvents(EVENTS, SIZE);
const avgBytes = Math.round(
  events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0) / events.length,
);
console.log(
  `http-ingest: ${EVENTS} events of ~${avgBytes} B, batches of ${BATCH}, ${SENDERS} senders, ${ROUNDS} rounds; ` +
    `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'})`,
);
const results = { direct: [], http: [] };
try {
  for (let r = 0; r < ROUNDS; r++) {
    const d = await direct(events);
    results.direct.push(d);
    console.log(
      `round ${r + 1} direct store.append: ${Math.round(d.rate).toLocaleString('en')} events/s (${d.secs.toFixed(2)} s)`,
    );
    const h = await http(events);
    results.http.push(h);
    console.log(
      `round ${r + 1} HTTP NDJSON (no detection): ${Math.round(h.rate).toLocaleString('en')} events/s (${h.secs.toFixed(2)} s), ` +
        `server peak RSS ${(h.peakRss / 1048576).toFixed(0)} MiB, 429 retries ${h.retries}`,
    );
  }
  if (args['detection-run'] !== 'off') {
    const h = await http(events, {});
    results.detection = h;
    console.log(
      `HTTP NDJSON with live detection (serve defaults): ${Math.round(h.rate).toLocaleString('en')} events/s ` +
        `(${h.secs.toFixed(2)} s), server peak RSS ${(h.peakRss / 1048576).toFixed(0)} MiB`,
    );
  }
} finally {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const dRate = median(results.direct.map((x) => x.rate));
const hRate = median(results.http.map((x) => x.rate));
// Each round pairs a direct run with the HTTP run right after it: the paired ratio cancels most
// of the machine's load swings (a busy 2-core box halves both rates alike).
const ratios = results.http.map((h, i) => h.rate / results.direct[i].rate);
const ratio = median(ratios);
console.log(`paired ratios per round: ${ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')}`);
console.log(
  `result: direct ${Math.round(dRate).toLocaleString('en')}/s, HTTP ${Math.round(hRate).toLocaleString('en')}/s, ` +
    `median paired ratio ${(ratio * 100).toFixed(0)}% (target >= 50%), peak server RSS ${(Math.max(...results.http.map((h) => h.peakRss)) / 1048576).toFixed(0)} MiB`,
);
console.log(
  JSON.stringify({
    bench: 'http-ingest',
    events: EVENTS,
    batch: BATCH,
    senders: SENDERS,
    directRate: Math.round(dRate),
    httpRate: Math.round(hRate),
    ratio: Number(ratio.toFixed(3)),
  }),
);
