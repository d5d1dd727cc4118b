/**
 * `logwarden probe --log-file`: a real HTTP server on 127.0.0.1 that writes an Apache combined
 * access log (what most sites have), probed by the CLI as a child process. The access log shows
 * every request with its canary, and detection over it flags the 404 burst and the attack-looking
 * requests; but it cannot say which user failed to log in, and the report says so.
 * Then `logwarden assess` merges that probe with an audit of the same file.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssessmentReport } from '../../src/assess/report/index.js';
import { runCli } from '../e2e/helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'lw-probe-file-'));
const LOG = path.join(tmp, 'access.log');
let server: Server;
let url: string;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function clf(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

beforeAll(async () => {
  writeFileSync(LOG, '');
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = req.method === 'POST' && req.url === '/login' ? 401 : 404;
      res.writeHead(status, { 'content-type': 'text/plain' }).end('no');
      const ua = String(req.headers['user-agent'] ?? '-').replace(/"/g, '\\"');
      appendFileSync(
        LOG,
        `${req.socket.remoteAddress?.replace(/^::ffff:/, '')} - - [${clf(new Date())}] "${req.method} ${req.url} HTTP/1.1" ${status} 2 "-" "${ua}"\n`,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

describe('logwarden probe --log-file (an access log)', () => {
  it('finds every probe in the access log, and says what an access log cannot show', async () => {
    const out = path.join(tmp, 'probe.json');
    const r = await runCli([
      'probe',
      url,
      '--log-file',
      LOG,
      '--rate',
      '50',
      '--wait',
      '5',
      '-o',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as AssessmentReport;
    const p = report.probe!;
    expect(p.checkedVia).toBe(`file ${LOG}`);
    expect(p.alertsVia).toBe('engine');
    for (const x of p.probes) expect(x.logged, x.name).toBe(true);
    const byName = new Map(p.probes.map((x) => [x.name, x]));
    expect(byName.get('not_found_burst')!.alertRules).toContain('lw_404_scanning');
    for (const n of ['sql_injection', 'path_traversal', 'scanner_user_agent'])
      expect(byName.get(n)!.alerted, n).toBe(true);
    // An access log has no user for a failed login, and no login event to alert on.
    expect(byName.get('failed_logins')!.missingFields).toContain('user.id|user.name');
    expect(byName.get('failed_logins')!.alerted).toBe(false);
    const ids = report.findings.map((f) => f.id);
    expect(ids).toContain('PRB-MISSING-FIELDS');
    expect(ids).toContain('PRB-NOT-ALERTED');
    expect(ids).not.toContain('PRB-NOT-LOGGED');

    // assess: the probe and an audit of the same access log, in one report.
    const audit = path.join(tmp, 'audit.json');
    expect((await runCli(['audit', LOG, '--format', 'json', '-o', audit])).code).toBe(0);
    const merged = await runCli(['assess', audit, out, '--format', 'json']);
    expect(merged.code, merged.stderr).toBe(0);
    const m = JSON.parse(merged.stdout) as AssessmentReport;
    expect(m.kind).toBe('assessment');
    expect(m.audit?.files[0]?.format).toBe('access');
    expect(m.probe?.probes.length).toBe(6);
    expect(new Set(m.findings.map((f) => f.source))).toEqual(new Set(['audit', 'probe']));
    const bad = await runCli(['assess', LOG]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(`${LOG}: not JSON`);
  }, 60_000);
});
