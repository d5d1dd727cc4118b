#!/usr/bin/env node
// Dashboard speed on a store of 1,000,000 events (issue 8: "pages render within 1 second"):
//   npm run build && node bench/dashboard.mjs [/tmp/lwbench-dash] [--events 1000000]
// 1. Generates the store once (direct store.append of realistic events over 7 days: access-log
//    requests, logins, failures, authorization failures, free-form log lines; 12 sources) unless
//    DIR already holds it.
// 2. Starts `logwarden serve` on it and times the API calls behind each page (loopback, best and
//    median of ROUNDS, server-side work dominates).
// 3. Times each page in headless Chromium: from navigation to the page's data rendered
//    (body[data-ready], set by app.js after its API calls and DOM work).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { prepareEvent } from '../dist/core/prepare.js';
import { openDataDir } from '../dist/server/data-dir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--')) ?? '/tmp/lwbench-dash';
const N = Number(args[args.indexOf('--events') + 1] || 1_000_000) || 1_000_000;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CLI = path.join(root, 'dist/cli/main.js');

function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

async function generate() {
  mkdirSync(dir, { recursive: true });
  const { store } = openDataDir(dir, 'normal');
  if (store.size() >= N) {
    console.error(`store in ${dir} already holds ${store.size()} events`);
    await store.close();
    return;
  }
  const r = rng(42);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const sources = [
    'web-1',
    'web-2',
    'api',
    'auth',
    'nginx',
    'shop',
    'admin',
    'billing',
    'cdn-edge',
    'worker',
    'sshd',
    'mail',
  ];
  const users = Array.from({ length: 400 }, (_, i) => `user${i}`);
  const ips = Array.from({ length: 2000 }, (_, i) => `198.51.${(i >> 8) & 255}.${i & 255}`);
  const paths = [
    '/',
    '/login',
    '/cart',
    '/api/orders',
    '/api/items/42',
    '/static/app.js',
    '/admin',
    '/search',
  ];
  const now = Date.now();
  const span = 7 * 86_400_000;
  const t0 = performance.now();
  const BATCH = 5000;
  for (let done = store.size(); done < N;) {
    const batch = [];
    const n = Math.min(BATCH, N - done);
    for (let i = 0; i < n; i++) {
      // Older events first, ending now: time grows with seq like a live store.
      const time = new Date(now - span + Math.floor(((done + i) / N) * span)).toISOString();
      const x = r();
      const ip = pick(ips);
      let e;
      if (x < 0.6)
        e = {
          'event.name': 'http_request',
          'http.request.method': r() < 0.8 ? 'GET' : 'POST',
          'url.path': pick(paths),
          'http.response.status_code': r() < 0.93 ? 200 : pick([302, 404, 500, 403]),
          'client.address': ip,
          'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
        };
      else if (x < 0.75)
        e = { 'event.name': 'authn_login_success', 'user.id': pick(users), 'client.address': ip };
      else if (x < 0.85)
        e = { 'event.name': 'authn_login_fail', 'user.id': pick(users), 'client.address': ip };
      else if (x < 0.88)
        e = {
          'event.name': 'authz_fail',
          'user.id': pick(users),
          'client.address': ip,
          attributes: { resource: pick(paths) },
        };
      else
        e = {
          'event.name': 'log',
          message: `worker ${Math.floor(r() * 16)} processed job ${randomUUID()} in ${Math.floor(r() * 900)} ms`,
          'log.format': 'logfmt',
        };
      const p = prepareEvent({ id: randomUUID(), time, ...e }, { source: pick(sources) });
      if (!p.ok) throw new Error(JSON.stringify(p.errors));
      batch.push(p.prepared);
    }
    await store.append(batch);
    done += n;
    if (done % 100_000 === 0)
      console.error(
        `generated ${done} events (${Math.round(done / ((performance.now() - t0) / 1000))}/s)`,
      );
  }
  await store.close();
}

function startServe(env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--listen', '127.0.0.1:0', '--data', dir],
      {
        env: { ...process.env, LOGWARDEN_SERVER__LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (c) => reject(new Error(`serve exited ${c}: ${err.slice(-2000)}`)));
    setTimeout(
      () => reject(new Error(`serve did not start in 10 min: ${err.slice(-2000)}`)),
      600_000,
    ).unref();
  });
}

async function cli(argv, input) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [CLI, ...argv, '--data', dir], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`${argv.join(' ')} exited ${code}`)),
    );
    c.stdin.end(input ?? '');
  });
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { best: s[0], median: s[Math.floor(s.length / 2)], worst: s[s.length - 1] };
};

async function main() {
  const t0 = performance.now();
  await generate();
  console.error(`store ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const token = await cli([
    'tokens',
    'create',
    '--name',
    `bench-${Date.now()}`,
    '--scope',
    'admin',
  ]);
  const user = `bench${Date.now()}`;
  const pw = 'bench-passphrase-1';
  await cli(['users', 'create', user, '--role', 'admin', '--password-stdin'], pw);
  const t1 = performance.now();
  const { child, url } = await startServe();
  console.error(`serve listening after ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  const results = [];
  try {
    const calls = {
      Overview: ['/ui/api/overview?range=24h'],
      'Overview (7 days)': ['/ui/api/overview?range=7d'],
      'Events (last 24h, no query)': ['/ui/api/fields', '/ui/api/events?limit=50&after=-24h'],
      'Events (name:authn_login_fail ip:198.51.3.0/24, 7 days)': [
        '/ui/api/events?limit=50&after=-7d&q=' +
          encodeURIComponent('name:authn_login_fail ip:198.51.3.0/24'),
      ],
      'Events (free text "job", all time)': [
        '/ui/api/events?limit=50&q=' + encodeURIComponent('processed'),
      ],
      Alerts: ['/ui/api/alerts?status=open,acknowledged'],
      Sources: ['/ui/api/sources'],
    };
    for (const [page, paths] of Object.entries(calls)) {
      const times = [];
      for (let i = 0; i < ROUNDS; i++) {
        const s = performance.now();
        for (const p of paths) {
          const r = await fetch(url + p, { headers: { authorization: `Bearer ${token}` } });
          if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
          await r.arrayBuffer();
        }
        times.push(performance.now() - s);
      }
      results.push({ kind: 'api', page, ...stats(times) });
      console.error(page, stats(times));
    }
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${url}/ui/`);
      await page.fill('#login-user', user);
      await page.fill('#login-password', pw);
      await page.click('#login-submit');
      await page.waitForSelector('body[data-ready="#/overview"]', {
        state: 'attached',
        timeout: 60_000,
      });
      const pages = {
        Overview: '#/overview',
        Events: '#/events',
        Alerts: '#/alerts',
        Sources: '#/sources',
        Review: '#/reviews',
      };
      for (const [name, hash] of Object.entries(pages)) {
        const times = [];
        for (let i = 0; i < ROUNDS; i++) {
          // A full load each round: HTML, script, stylesheet (revalidated), API calls, rendering.
          await page.goto('about:blank');
          const s = performance.now();
          await page.goto(`${url}/ui/${hash}`);
          await page.waitForSelector(`body[data-ready="${hash}"]`, {
            state: 'attached',
            timeout: 60_000,
          });
          times.push(performance.now() - s);
        }
        results.push({ kind: 'browser', page: name, ...stats(times) });
        console.error('browser', name, stats(times));
      }
    } finally {
      await browser.close();
    }
  } finally {
    child.kill('SIGTERM');
  }
  console.log(JSON.stringify({ events: N, rounds: ROUNDS, results }, null, 2));
}

if (!existsSync(CLI)) {
  console.error('run `npm run build` first');
  process.exit(64);
}
await main();
