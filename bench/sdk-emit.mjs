#!/usr/bin/env node
/**
 * Cost of one security event: `logger.emit(...)` vs a plain pino call with the same payload to
 * /dev/null (issue 4 target: within 2x of pino). Three SDK figures:
 *   emit (hot path)   what the application's request pays: build the event, queue it
 *   emit + delivery   everything amortized per event: redaction, neutralization, JSON, gzip and
 *                     HTTP to a discarding collector on loopback (the same process, so its CPU counts)
 *   pino              pino.info(obj, msg) to pino.destination('/dev/null')
 * Events are emitted in chunks of 1,000 per macrotask (requests interleave with I/O in a server).
 * Rounds alternate so machine noise hits all alike; the median round is reported.
 *
 *   npm run build && node bench/sdk-emit.mjs [--events 100000] [--rounds 5]
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createRequestContext, createSecurityLogger, runWithContext } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
  },
});
const N = Number(values.events);
const ROUNDS = Number(values.rounds);

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
  const full = createSecurityLogger({
    service: 'bench',
    endpoint: sink.url,
    token: 'bench-token',
    hostName: 'bench-host',
    batch: { maxEvents: 1000, maxQueue: N * 2 },
    onWarning: (m) => console.error(m),
  });
  const log = pino(
    { base: { service: 'bench', hostname: 'bench-host' } },
    pino.destination({ dest: '/dev/null', sync: true }),
  );

  // Events come in chunks of 1,000 per macrotask, as in a server where requests interleave with
  // I/O: the exporter drains between chunks instead of holding every event of the round.
  const CHUNK = 1000;
  const tick = () => new Promise((r) => setImmediate(r));
  async function chunked(body) {
    const t0 = process.hrtime.bigint();
    for (let base = 0; base < N; base += CHUNK) {
      runWithContext(ctx, () => {
        for (let i = base; i < base + CHUNK; i++) body(i);
      });
      await tick();
    }
    return t0;
  }
  const runHot = async () => {
    const t0 = await chunked((i) => hot.emit('authn_login_fail', { userid: `user${i & 1023}` }));
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const runPino = async () => {
    const t0 = await chunked((i) => log.warn(pinoPayload(i), 'login failed'));
    await new Promise((res) => log.flush(res));
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const runFull = async () => {
    const t0 = await chunked((i) => full.emit('authn_login_fail', { userid: `user${i & 1023}` }));
    await full.flush();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };

  // warm-up (JIT)
  await runHot();
  await runPino();
  await runFull();

  const r = { hot: [], pino: [], full: [] };
  for (let k = 0; k < ROUNDS; k++) {
    r.pino.push(await runPino());
    r.hot.push(await runHot());
    r.full.push(await runFull());
  }
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const ns = (ms) => (ms * 1e6) / N;
  const pinoNs = ns(med(r.pino));
  const rows = [
    ['pino.warn(obj, msg) -> /dev/null', pinoNs],
    ['emit (hot path: build + queue)', ns(med(r.hot))],
    ['emit + delivery (redact, JSON, gzip, HTTP)', ns(med(r.full))],
  ];
  console.log(`events per round: ${N}, rounds: ${ROUNDS} (median round), node ${process.version}`);
  console.log('| what | ns/event | events/s | vs pino |');
  console.log('|---|---:|---:|---:|');
  for (const [name, v] of rows)
    console.log(
      `| ${name} | ${v.toFixed(0)} | ${Math.round(1e9 / v).toLocaleString('en-US')} | ${(v / pinoNs).toFixed(2)}x |`,
    );
  const st = full.stats();
  console.log(
    `delivery check: sent ${st.sent} of ${st.emitted} emitted, dropped ${JSON.stringify(st.dropped)}, ${sink.requests()} HTTP requests`,
  );
  await full.shutdown();
  await hot.shutdown();
  await sink.close();
}

await main();
