#!/usr/bin/env node
/**
 * Request throughput of the example app (examples/app/server.mjs) with and without the SDK,
 * under a keep-alive loopback load generator with a bounded request count (issue 4 target: the
 * middleware costs under 10%). The SDK ships to a real `logwarden serve`.
 *
 * Workloads:
 *   GET /products/1      no security event: the middleware alone (context, request id, finish hook)
 *   POST /login (401)    one authn_login_fail per request: event + delivery
 * against a real `logwarden serve` and against a discarding collector (the app's own cost), plus,
 * for scale, GET /products/1 with request sampling at 1.0 ("log all connections").
 * Cells show req/s and the overhead against the app without the SDK.
 * Runs alternate between the apps so machine noise hits all alike; the median is reported.
 *
 *   npm run build && node bench/sdk-http.mjs [--requests 20000] [--concurrency 16] [--rounds 3]
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
  },
});
const N = Number(values.requests);
const C = Number(values.concurrency);
const ROUNDS = Number(values.rounds);

const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

function start(args, label) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOGWARDEN_SERVER__LOG_LEVEL: 'warn' },
    });
    children.push(child);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.stderr.resume();
    child.on('exit', (code) => reject(new Error(`${label} exited ${code}: ${out}`)));
  });
}

/** Keep-alive load generator: C connections, exactly N requests, returns requests/s. */
async function load(base, method, p, body) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: C });
  const url = new URL(p, base);
  const payload = body ? Buffer.from(JSON.stringify(body)) : undefined;
  let issued = 0;
  let failed = 0;
  const one = () =>
    new Promise((resolve) => {
      const req = http.request(
        url,
        {
          method,
          agent,
          headers: payload
            ? { 'content-type': 'application/json', 'content-length': payload.length }
            : {},
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(payload);
    });
  const worker = async () => {
    while (issued < N) {
      issued++;
      await one();
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: C }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  if (failed > 0) throw new Error(`${failed} requests failed`);
  return N / secs;
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function main() {
  const cli = path.join(root, 'dist/cli/main.js');
  const appJs = path.join(root, 'examples/app/server.mjs');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-http-'));
  try {
    const tok = spawnSync(
      process.execPath,
      [cli, 'tokens', 'create', '--name', 'bench', '--data', dataDir],
      { encoding: 'utf8' },
    );
    if (tok.status !== 0) throw new Error(`tokens create failed: ${tok.stderr}`);
    const token = tok.stdout.trim();
    const serve = await start(
      [cli, 'serve', '--listen', '127.0.0.1:0', '--data', dataDir],
      'serve',
    );
    // A collector that discards: separates the app's own cost from the collector's CPU, which
    // shares the same two cores in this benchmark.
    const sink = await start(
      [
        '-e',
        "const s=require('http').createServer((q,r)=>{q.resume();q.on('end',()=>r.end('{}'))});s.listen(0,'127.0.0.1',()=>console.log('listening on http://127.0.0.1:'+s.address().port))",
      ],
      'discard sink',
    );
    const sdk = (url) => ['--endpoint', url, '--token', token, '--quiet'];
    const apps = {
      off: await start([appJs, '--port', '0', '--no-sdk', '--quiet'], 'app off'),
      on: await start([appJs, '--port', '0', ...sdk(serve.url)], 'app on'),
      sink: await start([appJs, '--port', '0', ...sdk(sink.url)], 'app on, discard sink'),
      all: await start([appJs, '--port', '0', ...sdk(serve.url), '--sample', '1'], 'app sample=1'),
    };
    const workloads = [
      {
        name: 'GET /products/1 (no event)',
        method: 'GET',
        path: '/products/1',
        apps: ['off', 'on', 'sink', 'all'],
      },
      {
        name: 'POST /login 401 (1 event/request)',
        method: 'POST',
        path: '/login',
        body: { email: 'nobody@bench.test', password: 'x' },
        apps: ['off', 'on', 'sink'],
      },
    ];
    console.log(
      `requests per run: ${N}, concurrency: ${C}, rounds: ${ROUNDS} (median), node ${process.version}, ${os.cpus().length} CPUs, load avg ${os.loadavg()[0].toFixed(1)}`,
    );
    console.log(
      '| workload | SDK off req/s | SDK on -> logwarden serve | SDK on -> discarding collector | sampling 1.0 -> serve |',
    );
    console.log('|---|---:|---:|---:|---:|');
    for (const w of workloads) {
      const r = Object.fromEntries(w.apps.map((a) => [a, []]));
      for (const a of w.apps) await load(apps[a].url, w.method, w.path, w.body); // warm-up
      for (let k = 0; k < ROUNDS; k++)
        for (const a of w.apps) r[a].push(await load(apps[a].url, w.method, w.path, w.body));
      const off = median(r.off);
      const cell = (a) => {
        if (!r[a]) return '-';
        const x = median(r[a]);
        return `${Math.round(x)} (${(((off - x) / off) * 100).toFixed(1)}%)`;
      };
      console.log(
        `| ${w.name} | ${Math.round(off)} | ${cell('on')} | ${cell('sink')} | ${cell('all')} |`,
      );
    }
    const stats = await (await fetch(`${apps.on.url}/__stats`)).json();
    console.log(
      `SDK app: emitted ${stats.emitted}, sent ${stats.sent}, dropped ${JSON.stringify(stats.dropped)}, errors ${stats.errors}`,
    );
  } finally {
    children.forEach((c) => c.kill('SIGTERM'));
    await new Promise((r) => setTimeout(r, 500));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
