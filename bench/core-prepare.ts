/**
 * Micro-benchmark of the core hot path: prepareEvent on ~300-byte events (validation,
 * normalization, redaction, CWE-117 neutralization, canonical JSON), and canonicalJson against the
 * obvious alternative (JSON.stringify of a copy re-ordered by EVENT_FIELDS with sorted attributes).
 *
 * Run (Node 20 has no type stripping, so compile first):
 *   npx tsc -p tsconfig.json --noEmit false --outDir .tmp/bench-build; node .tmp/bench-build/bench/core-prepare.js
 * Options: N=200000 (events per round), ROUNDS=5. Reports the median round.
 */
import type { SecurityEvent } from '../src/core/index.js';
import { EVENT_FIELDS, canonicalJson, prepareEvent } from '../src/core/index.js';

const N = Number(process.env.N ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'curl/8.5.0',
  'sqlmap/1.8#stable (https://sqlmap.org)',
];
const PATHS = ['/api/v2/auth/login', '/cart?id=42&qty=1', '/static/app.js', '/admin/users?page=3'];
const NAMES = [
  'http_request',
  'authn_login_fail',
  'authn_login_success',
  'authz_fail',
  'input_validation_fail',
];

function makeInput(i: number): Record<string, unknown> {
  return {
    time: 1_764_234_000_000 + i,
    'event.name': NAMES[i % NAMES.length],
    'service.name': 'shop',
    'http.request.method': i % 3 === 0 ? 'post' : 'GET',
    'url.path': PATHS[i % PATHS.length],
    'http.response.status_code': 200 + (i % 5) * 50,
    'client.address': `203.0.113.${i % 250}`,
    'user.id': `user${i % 1000}`,
    'user_agent.original': UAS[i % UAS.length],
    message: i % 50 === 0 ? 'login failed\r\nforged line' : 'request handled',
  };
}

const inputs = Array.from({ length: N }, (_, i) => makeInput(i));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeRounds(fn: () => void): number {
  fn(); // warm-up round (JIT)
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push(N / secs);
  }
  return median(rates);
}

let bytes = 0;
const prepared: SecurityEvent[] = [];
const prepRate = timeRounds(() => {
  bytes = 0;
  prepared.length = 0;
  for (let i = 0; i < N; i++) {
    const r = prepareEvent(inputs[i], { source: 'bench', now: 1_764_234_000_000 });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    bytes += r.prepared.body.length;
    prepared.push(r.prepared.event);
  }
});

const canonRate = timeRounds(() => {
  for (let i = 0; i < N; i++) canonicalJson(prepared[i]!);
});

function sortKeys(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(sortKeys);
  const o = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, sortKeys(o[k])]),
  );
}
const stringifyRate = timeRounds(() => {
  for (let i = 0; i < N; i++) {
    const e = prepared[i] as unknown as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const [f] of EVENT_FIELDS)
      if (e[f] !== undefined) copy[f] = f === 'attributes' ? sortKeys(e[f]) : e[f];
    JSON.stringify(copy);
  }
});

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(
  `node ${process.version}, ${N} events x ${ROUNDS} rounds (median), avg body ${Math.round(bytes / N)} bytes`,
);
console.log(`prepareEvent:                         ${fmt(prepRate)} events/s`);
console.log(`canonicalJson (hand-rolled):          ${fmt(canonRate)} events/s`);
console.log(`JSON.stringify of re-ordered copy:    ${fmt(stringifyRate)} events/s`);
