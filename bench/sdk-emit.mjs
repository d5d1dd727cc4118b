#!/usr/bin/env node
/**
 * Cost of one security event: `logger.emit(...)` vs a plain pino call with the same payload to
 * /dev/null (issue 4 target: within 2x of pino). Three SDK figures:
 *   emit (hot path)   what the application's request pays: build the event, queue it
 *   emit + delivery   everything amortized per event: redaction, neutralization, JSON, gzip and
 *                     HTTP to a discarding collector on loopback (the same process, so its CPU counts)
 *   pino              pino.info(obj, msg) to pino.destination('/dev/null')
 * Events are emitted in chunks of 1,000 per macrotask (requests interleave with I/O in a server).
 * Rounds alternate so machine noise hits all alike; the median round is reported, as wall time
 * and as process CPU time (user + system, all threads: zlib's pool and the sink included).
 *
 * `--builds before=DIR1,after=DIR2` also runs the delivery path of other builds
 * (`DIR/dist/index.js`, e.g. copies of dist/ made before and after a change) in the same rounds,
 * so before/after come from one run; each build is loaded as its own module instance, so none
 * gets the JIT advantage of being the only user of its code. `--only full` runs just the
 * default delivery path (for `node --cpu-prof`). Loggers loaded from `dist/` share one module
 * instance with the hot-path logger (a different exporter), which makes their call sites
 * polymorphic and measured identical code up to 2x slower than alone: for the figures in
 * docs/benchmarks.md use `--builds` with copies of dist/ (`cp -r dist /tmp/x/` plus a
 * node_modules symlink), as an application has one logger.
 *
 *   npm run build && node bench/sdk-emit.mjs [--events 100000] [--rounds 5] [--builds a=DIR,...]
 */
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createRequestContext, createSecurityLogger, runWithContext } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
    builds: { type: 'string' },
    only: { type: 'string' },
  },
});
const N = Number(values.events);
const ROUNDS = Number(values.rounds);

// name=DIR pairs: other builds whose delivery path runs in the same rounds.
const builds = [];
for (const spec of values.builds ? values.builds.split(',') : []) {
  const [name, dir] = spec.split('=');
  const mod = await import(new URL(`file://${path.resolve(dir)}/dist/index.js`).href);
  builds.push({ name, dir, mod });
}

const ctx = createRequestContext({
  method: 'POST',
  route: '/login',
  path: '/login',
  action: 'login',
  clientAddress: '203.0.113.9',
  userAgent:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  requestId: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a',
  sessionHash: 'hmac-sha256:0123456789abcdef0123456789abcdef',
});

// pino gets the same fields the SDK event carries.
const pinoPayload = (i) => ({
  event: 'authn_login_fail',
  category: 'authn',
  outcome: 'failure',
  severity: 'WARN',
  service: 'bench',
  method: ctx.method,
  route: ctx.route,
  action: ctx.action,
  client: ctx.clientAddress,
  userAgent: ctx.userAgent,
  requestId: ctx.requestId,
  session: ctx.sessionHash,
  userId: `user${i & 1023}`,
});

const discard = { export() {}, flush: async () => {}, shutdown: async () => {}, stats: () => ({}) };

async function startSink() {
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}'); // no counts: the SDK counts the batch as accepted
      requests++;
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
    requests: () => requests,
  };
}

async function main() {
  const sink = await startSink();
  const hot = createSecurityLogger({ service: 'bench', exporter: discard, hostName: 'bench-host' });
  const deliveryOptions = (extra) => ({
    service: 'bench',
    endpoint: sink.url,
    token: 'bench-token',
    hostName: 'bench-host',
    batch: { maxEvents: 1000, maxQueue: N * 2 },
    onWarning: (m) => console.error(m),
    ...extra,
  });
  const loggers = {
    full: createSecurityLogger(deliveryOptions({})),
    fullPlain: createSecurityLogger(deliveryOptions({ gzip: false })),
  };
  for (const b of builds) loggers[b.name] = b.mod.createSecurityLogger(deliveryOptions({}));
  const log = pino(
    { base: { service: 'bench', hostname: 'bench-host' } },
    pino.destination({ dest: '/dev/null', sync: true }),
  );

  // Events come in chunks of 1,000 per macrotask, as in a server where requests interleave with
  // I/O: the exporter drains between chunks instead of holding every event of the round.
  const CHUNK = 1000;
  const tick = () => new Promise((r) => setImmediate(r));
  async function measure(body, end) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let base = 0; base < N; base += CHUNK) {
      runWithContext(ctx, () => {
        for (let i = base; i < base + CHUNK; i++) body(i);
      });
      await tick();
    }
    await end();
    const c = process.cpuUsage(c0);
    return { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: (c.user + c.system) / 1e3 };
  }
  const runs = {
    pino: () =>
      measure(
        (i) => log.warn(pinoPayload(i), 'login failed'),
        () => new Promise((res) => log.flush(res)),
      ),
    hot: () =>
      measure(
        (i) => hot.emit('authn_login_fail', { userid: `user${i & 1023}` }),
        async () => {},
      ),
  };
  for (const [k, lg] of Object.entries(loggers))
    runs[k] = () =>
      measure(
        (i) => lg.emit('authn_login_fail', { userid: `user${i & 1023}` }),
        () => lg.flush(),
      );
  const names = values.only ? ['pino', ...values.only.split(',')] : Object.keys(runs);

  for (const k of names) await runs[k](); // warm-up (JIT)
  const r = Object.fromEntries(names.map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) for (const k of names) r[k].push(await runs[k]());

  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const ns = (ms) => (ms * 1e6) / N;
  const fig = (k) => ({
    wall: ns(med(r[k].map((x) => x.wall))),
    cpu: ns(med(r[k].map((x) => x.cpu))),
  });
  const p = fig('pino');
  const labels = {
    ...Object.fromEntries(builds.map((b) => [b.name, `emit + delivery, ${b.name} (${b.dir})`])),
    pino: 'pino.warn(obj, msg) -> /dev/null',
    hot: 'emit (hot path: build + queue)',
    full: 'emit + delivery (redact, CWE-117, JSON, gzip, HTTP)',
    fullPlain: 'emit + delivery, gzip: false',
  };
  console.log(`events per round: ${N}, rounds: ${ROUNDS} (median round), node ${process.version}`);
  console.log('| what | wall ns/event | vs pino | CPU ns/event | vs pino |');
  console.log('|---|---:|---:|---:|---:|');
  for (const k of names) {
    const f = fig(k);
    console.log(
      `| ${labels[k]} | ${f.wall.toFixed(0)} | ${(f.wall / p.wall).toFixed(2)}x | ${f.cpu.toFixed(0)} | ${(f.cpu / p.cpu).toFixed(2)}x |`,
    );
  }
  for (const [k, lg] of Object.entries(loggers)) {
    if (!names.includes(k)) continue;
    const st = lg.stats();
    console.log(
      `delivery check ${k}: sent ${st.sent} of ${st.emitted} emitted, dropped ${JSON.stringify(st.dropped)}`,
    );
  }
  console.log(`${sink.requests()} HTTP requests`);
  for (const lg of Object.values(loggers)) await lg.shutdown();
  await hot.shutdown();
  await sink.close();
}

await main();
