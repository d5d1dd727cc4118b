#!/usr/bin/env node
// Throughput of `logwarden audit` (issue 9) on generated logs, against its parts:
//   npm run build && node bench/gen-logs.mjs /tmp/lwbench --lines 200000 && node bench/audit.mjs /tmp/lwbench
// Modes per file: `parse` (createLineParser only: the floor), `audit --no-detection` (parse +
// coverage, kinds, secrets, control characters, volume), `audit` (the same plus the detection
// engine, what the command runs by default). ROUNDS=3; reports the best round and peak RSS.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createAuditor } from '../dist/assess/audit/index.js';
import { createLineParser } from '../dist/parsers/index.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/audit.mjs DIR   (DIR from bench/gen-logs.mjs)');
  process.exit(64);
}
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const lines = (f) =>
  createInterface({ input: createReadStream(f, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });

async function parseOnly(file) {
  const it = lines(file)[Symbol.asyncIterator]();
  const sample = [];
  for (let i = 0; i < 200; i++) {
    const r = await it.next();
    if (r.done) break;
    sample.push(r.value);
  }
  const p = createLineParser('auto', { sample });
  let n = 0;
  for (const l of sample) {
    p.parse(l, { now: 0 });
    n++;
  }
  for (let r = await it.next(); !r.done; r = await it.next()) {
    p.parse(r.value, { now: 0 });
    n++;
  }
  return n;
}

async function audit(file, detection) {
  const a = createAuditor({ detection });
  await a.addFile(file, lines(file));
  return a.finish().lines;
}

const modes = {
  parse: parseOnly,
  'audit --no-detection': (f) => audit(f, false),
  audit: (f) => audit(f, true),
};
console.log(`| file | mode | lines | lines/s (best of ${ROUNDS}) | peak RSS |`);
console.log('|---|---|---:|---:|---:|');
for (const name of ['access.log', 'auth.log']) {
  const file = path.join(dir, name);
  for (const [mode, fn] of Object.entries(modes)) {
    let best = 0;
    let n = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const t = process.hrtime.bigint();
      n = await fn(file);
      const s = Number(process.hrtime.bigint() - t) / 1e9;
      best = Math.max(best, n / s);
    }
    const rss = (process.resourceUsage().maxRSS / 1024).toFixed(0);
    console.log(
      `| ${name} | ${mode} | ${n.toLocaleString('en-US')} | ${Math.round(best).toLocaleString('en-US')} | ${rss} MiB |`,
    );
  }
}
