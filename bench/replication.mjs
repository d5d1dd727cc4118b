#!/usr/bin/env node
// Ingest throughput with the ledger and two replicas vs the ledger off, in the same run
// (issue 7 target: the ledger and replication cost at most 25% of throughput).
//
//   npm run build && node bench/replication.mjs [--events 150000] [--batch 1000] [--senders 4] [--rounds 3]
//   LOGWARDEN_BENCH_DIST=DIR runs another build (DIR a copy of dist/; bench/lib/dist.mjs).
//
// Three configurations of real `logwarden serve` processes on loopback, each fed the same
// pre-built NDJSON batches by `senders` concurrent clients; detection is off in all three (its
// cost is measured elsewhere): `off` = ledger.enabled false; `ledger` = checkpoints + heartbeats;
// `ledger+2 replicas` = plus two replica processes on the same machine receiving and cosigning
// every entry. Throughput counts acknowledged events; for the replica run the time until both
// replicas hold everything is reported too. Rounds alternate the order of the configurations
// (ABBA) so machine noise hits them alike. Reported: the best round of each (best of N), and,
// because a busy machine moves single rounds by 2x, the median over rounds of the ratio between
// configurations run in the SAME round (paired), plus CPU time per event of every process and of
// this load generator (which competes with them for the same cores).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeEvents, ndjsonBatches } from './lib/events.mjs';
import { CLI, assertBuilt, createToken } from './lib/serve.mjs';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '150000' },
    batch: { type: 'string', default: '1000' },
    senders: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    // only these configurations (comma-separated: off,ledger,replicas), e.g. to profile one
    modes: { type: 'string', default: 'off,ledger,replicas' },
    // write a V8 CPU profile of every serve process into this directory (--cpu-prof)
    profile: { type: 'string' },
  },
});
const EVENTS = Number(args.events);
const BATCH = Number(args.batch);
const SENDERS = Number(args.senders);
const ROUNDS = Number(args.rounds);
assertBuilt();

const temps = [];
const tmp = (p) => {
  const d = mkdtempSync(path.join(tmpdir(), p));
  temps.push(d);
  return d;
};
const ENV = { LOGWARDEN_SERVER__LOG_LEVEL: 'warn', LOGWARDEN_DETECTION__ENABLED: 'false' };
try {
  if (readFileSync(path.join(path.dirname(CLI), '../config/sections/dashboard.js')))
    ENV.LOGWARDEN_DASHBOARD__ENABLED = 'false';
} catch {
  // no dashboard in this build
}

/** user + system CPU seconds of a process, all its threads (Linux /proc/<pid>/stat). */
function cpuSecs(pid, which = 'both', thread = false) {
  try {
    // thread: the main thread only (its tid is the pid): the event loop that parses requests
    const f = readFileSync(thread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    const [user, sys] = [Number(rest[11]), Number(rest[12])];
    return (which === 'user' ? user : which === 'sys' ? sys : user + sys) / CLK_TCK;
  } catch {
    return NaN;
  }
}
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

// Children still running when this script ends early (an error, a closed pipe) are stopped.
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function serve(dir, extraArgs, env = {}) {
  const prof = args.profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${args.profile}`];
  const child = spawn(
    process.execPath,
    [...prof, CLI, 'serve', '--listen', '127.0.0.1:0', '--data', dir, ...extraArgs],
    { env: { ...process.env, ...ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    if (!/key created|vkey|^\s+\S+\+[0-9a-f]{8}\+/.test(d)) process.stderr.write(`[serve] ${d}`);
  });
  children.add(child);
  const exited = new Promise((r) =>
    child.on('exit', (code) => {
      children.delete(child);
      r(code);
    }),
  );
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (m) resolve({ url: m[1], pid: child.pid, stop: () => (child.kill('SIGTERM'), exited) });
    });
    exited.then((c) => reject(new Error(`serve exited (${c}): ${out}`)));
  });
}

async function pool(items, n, fn) {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

async function send(url, token, batches) {
  const t0 = performance.now();
  await pool(batches, SENDERS, async (body) => {
    for (;;) {
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        body,
      });
      await res.text();
      if (res.status === 200) return;
      if (res.status !== 429 && res.status !== 503) throw new Error(`HTTP ${res.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  return performance.now() - t0;
}

async function head(url, origin) {
  const r = await fetch(`${url}/v1/replica/head?origin=${encodeURIComponent(origin)}`);
  return (await r.json()).size;
}

async function run(mode, batches) {
  const dir = tmp('lw-bench-origin-');
  const token = createToken(dir, 'bench');
  const procs = [];
  const cfg = ['version: 1'];
  let origin;
  const replicas = [];
  if (mode === 'off') cfg.push('ledger:', '  enabled: false');
  else {
    const gen = spawnSync(process.execPath, [CLI, 'keys', 'generate', '--data', dir], {
      encoding: 'utf8',
      env: { ...process.env, ...ENV },
    });
    const vkey = gen.stdout.trim();
    origin = vkey.split('+')[0];
    if (mode === 'replicas') {
      for (const name of ['r1', 'r2']) {
        const rd = tmp(`lw-bench-${name}-`);
        writeFileSync(
          path.join(rd, 'r.yaml'),
          `version: 1\nreplication:\n  role: replica\n  cosigner_name: ${name}\n  origins:\n    - vkey: "${vkey}"\n`,
        );
        const p = await serve(rd, ['--config', path.join(rd, 'r.yaml')]);
        procs.push(p);
        replicas.push({
          name,
          url: p.url,
          vkey: readFileSync(path.join(rd, 'replica.vkey'), 'utf8').trim(),
        });
      }
      cfg.push('forwarders:', '  replicas:');
      for (const r of replicas)
        cfg.push(`    - name: ${r.name}`, `      url: ${r.url}`, `      vkey: "${r.vkey}"`);
    }
  }
  writeFileSync(path.join(dir, 'o.yaml'), `${cfg.join('\n')}\n`);
  const o = await serve(dir, ['--config', path.join(dir, 'o.yaml')]);
  procs.push(o);
  const cpu0 = procs.map((p) => cpuSecs(p.pid));
  const sys0 = procs.map((p) => cpuSecs(p.pid, 'sys'));
  const main0 = cpuSecs(o.pid, 'both', true);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const ms = await send(o.url, token, batches);
  const client = process.cpuUsage(client0);
  const clientUs = (client.user + client.system) / EVENTS;
  // CPU per event of each process while the events were being acknowledged
  const ackUs = procs.map((p, i) => ((cpuSecs(p.pid) - cpu0[i]) / EVENTS) * 1e6);
  const mainUs = ((cpuSecs(o.pid, 'both', true) - main0) / EVENTS) * 1e6;
  let replicatedMs;
  if (mode === 'replicas') {
    const end = Date.now() + 120_000;
    for (;;) {
      const sizes = await Promise.all(replicas.map((r) => head(r.url, origin)));
      if (sizes.every((s) => s >= EVENTS)) break;
      if (Date.now() > end) throw new Error(`replicas stuck at ${sizes}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    replicatedMs = performance.now() - t0;
  }
  // CPU per event of each process (all threads), from the first send until everything is held
  const cpuUs = procs.map((p, i) => ((cpuSecs(p.pid) - cpu0[i]) / EVENTS) * 1e6);
  const sysUs = procs.map((p, i) => ((cpuSecs(p.pid, 'sys') - sys0[i]) / EVENTS) * 1e6);
  for (const p of procs.reverse()) await p.stop();
  return { ms, replicatedMs, cpuUs, ackUs, sysUs, mainUs, clientUs };
}

const procName = (mode, i) => (mode === 'replicas' ? ['r1', 'r2', 'origin'][i] : 'origin');
const events = makeEvents(EVENTS, 300);
const modes = ['off', 'ledger', 'replicas'].filter((m) => args.modes.split(',').includes(m));
const best = Object.fromEntries(modes.map((m) => [m, Infinity]));
let bestReplicated = Infinity;
const cpuRuns = Object.fromEntries(modes.map((m) => [m, []]));
const load0 = loadavg()[0];
/** rates[round][mode]: events/s acknowledged */
const rates = [];
const clientCpu = Object.fromEntries(modes.map((m) => [m, []]));
for (let round = 0; round < ROUNDS; round++) {
  rates.push({});
  for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
    // fresh ids per run so nothing is a duplicate
    const batches = ndjsonBatches(
      events.map((e) => ({ ...e, id: crypto.randomUUID() })),
      BATCH,
    );
    const { ms, replicatedMs, cpuUs, ackUs, sysUs, mainUs, clientUs } = await run(mode, batches);
    cpuRuns[mode].push([...cpuUs, mainUs]);
    clientCpu[mode].push(clientUs);
    rates[round][mode] = (EVENTS / ms) * 1000;
    best[mode] = Math.min(best[mode], ms);
    if (replicatedMs !== undefined) bestReplicated = Math.min(bestReplicated, replicatedMs);
    const rate = Math.round((EVENTS / ms) * 1000);
    console.log(
      `round ${round + 1} ${mode.padEnd(9)} ${rate.toLocaleString('en-US')} events/s acknowledged` +
        (replicatedMs === undefined
          ? ''
          : `, on both replicas after ${(replicatedMs / 1000).toFixed(2)} s`) +
        `; CPU µs/event (of which system) ${cpuUs
          .map((c, i) => `${procName(mode, i)} ${c.toFixed(1)} (${sysUs[i].toFixed(1)})`)
          .join(
            ', ',
          )}; origin until acknowledged ${ackUs[ackUs.length - 1].toFixed(1)}, its main thread ${mainUs.toFixed(1)}; load generator ${clientUs.toFixed(1)}` +
        ` (load ${loadavg()[0].toFixed(1)})`,
    );
  }
}
const rate = (m) => Math.round((EVENTS / best[m]) * 1000);
console.log(
  `\nmachine: ${cpus().length} x ${cpus()[0]?.model}, load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`,
);
console.log(`events ${EVENTS}, batch ${BATCH}, senders ${SENDERS}, best of ${ROUNDS}`);
console.log('| configuration | events/s (best) | vs ledger off |');
console.log('|---|---:|---:|');
for (const m of modes)
  console.log(
    `| ${m === 'off' ? 'ledger off' : m === 'ledger' ? 'ledger on' : 'ledger on + 2 replicas'} | ${rate(m).toLocaleString('en-US')} | ${((rate(m) / rate('off')) * 100).toFixed(0)}% |`,
  );
const med = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const h = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[h] : (v[h - 1] + v[h]) / 2;
};
if (modes.includes('off') && modes.length > 1) {
  console.log('\nPaired rounds (each configuration / ledger off of the same round):');
  for (const m of modes.filter((x) => x !== 'off')) {
    const ratios = rates.map((r) => r[m] / r.off);
    console.log(
      `  ${m.padEnd(9)} ${ratios.map((x) => `${(x * 100).toFixed(0)}%`).join(' ')}; median ${(med(ratios) * 100).toFixed(0)}% of ${ratios.length}`,
    );
  }
  console.log(
    `  ledger off rounds: ${rates.map((r) => Math.round(r.off).toLocaleString('en-US')).join(', ')} events/s`,
  );
}
console.log(
  '\nCPU µs per event, median of the rounds (each process, all threads, first send until every ' +
    'replica held everything; less disturbed by other load than wall-clock rates):',
);
for (const m of modes) {
  const per = cpuRuns[m][0].map((_, i) => med(cpuRuns[m].map((r) => r[i])));
  console.log(
    `  ${m.padEnd(9)} ${per
      .slice(0, -1)
      .map((c, i) => `${procName(m, i)} ${c.toFixed(1)}`)
      .join(', ')}` +
      (m === 'replicas'
        ? `, all three ${per
            .slice(0, -1)
            .reduce((a, b) => a + b, 0)
            .toFixed(1)}`
        : '') +
      `; origin main thread until acknowledged ${per[per.length - 1].toFixed(1)}; load generator ${med(clientCpu[m]).toFixed(1)}`,
  );
}
console.log(
  `\nboth replicas held all ${EVENTS} events ${(bestReplicated / 1000).toFixed(2)} s after the first was sent (best round): ${Math.round((EVENTS / bestReplicated) * 1000).toLocaleString('en-US')} events/s end to end`,
);
for (const d of temps) rmSync(d, { recursive: true, force: true });
