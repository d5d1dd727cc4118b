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
import { EVENT_FIELDS, canonicalJson, createRedactor, prepareEvent } from '../src/core/index.js';

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

/**
 * Median rate over ROUNDS, by wall clock and by this process's CPU time. On a shared, loaded
 * machine the CPU-time rate is the steadier figure (it leaves out time spent waiting for a core).
 */
function timeRounds(fn: () => void): { wall: number; cpu: number } {
  fn(); // warm-up round (JIT, regexp tier-up)
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    wall.push(N / secs);
    cpu.push(N / ((c.user + c.system) / 1e6));
  }
  return { wall: median(wall), cpu: median(cpu) };
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
const show = (label: string, r: { wall: number; cpu: number }): void =>
  console.log(
    `${label.padEnd(36)} ${fmt(r.wall).padStart(10)} events/s wall, ${fmt(r.cpu).padStart(10)} per CPU-second`,
  );
const inputBytes = inputs.reduce((n, e) => n + JSON.stringify(e).length, 0) / N;
console.log(
  `node ${process.version}, ${N} events x ${ROUNDS} rounds (median), input ${Math.round(inputBytes)} bytes -> stored body ${Math.round(bytes / N)} bytes`,
);
show('prepareEvent', prepRate);
show('canonicalJson (hand-rolled)', canonRate);
show('JSON.stringify of re-ordered copy', stringifyRate);

// Worst cases for the redaction and normalization regexes on attacker-controlled strings at the
// default per-string limit (32 KiB): each must stay in the same range as a benign string of the
// same size (linear), not seconds (ReDoS). Compare the ratios, not the absolute figures.
const K = 32_000;
const adversarial: Record<string, string> = {
  'benign text': 'lorem ipsum dolor sit amet '.repeat(K / 27),
  'a-a-a-... password': 'a-'.repeat(K / 2 - 10) + ' password',
  'eyJ-eyJ-...': 'eyJ-'.repeat(K / 4),
  'eyJaaaa.eyJaaaa....': 'eyJaaaa.'.repeat(K / 8),
  'digits 4 4 4 ...': '4 '.repeat(K / 2),
  'Bearer Bearer ...': 'Bearer '.repeat(K / 7),
  '-----BEGIN ... PRIVATE KEY-----': '-----BEGIN PRIVATE KEY-----'.repeat(K / 27),
  'password=password=...': 'password='.repeat(K / 9),
};
const redactor = createRedactor();
console.log('worst-case strings (32 KB each), microseconds per string (median of 5):');
for (const [label, str] of Object.entries(adversarial)) {
  const us: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    redactor.redactString(str, []);
    prepareEvent({ 'event.name': 'log', message: str }, { source: 'bench' });
    us.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  console.log(`  ${label.padEnd(34)} ${fmt(median(us))} us`);
}
