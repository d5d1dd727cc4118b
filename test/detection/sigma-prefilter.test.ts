/**
 * The literal prefilter must be exact: with it on, the engine returns exactly the matches it
 * returns with it off. Checked on every SigmaHQ rule in ../shared with events built from the
 * rules' own values (so many rules do fire), plus benign ones.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSigmaEngine } from '../../src/detection/sigma/engine.js';
import { loadSigmaDirectory } from '../../src/detection/sigma/load-files.js';
import type { SigmaMatch } from '../../src/detection/sigma/types.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const SIGMA = resolve(repoRoot, '../shared/sigma/sigma');
const present = existsSync(SIGMA);
if (!present) console.warn(`prefilter equivalence test skipped: ${SIGMA} is absent`);

function valuesOf(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v.replace(/\\([*?\\])/g, '$1').replace(/[*?]/g, ''));
  else if (Array.isArray(v)) v.forEach((x) => valuesOf(x, out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) if (k !== 'condition') valuesOf(x, out);
}

describe('literal prefilter', () => {
  it.skipIf(!present)(
    'changes no result on SigmaHQ rules (skipped when ../shared is absent)',
    () => {
      const { rules } = loadSigmaDirectory(SIGMA, { excludeDirs: ['deprecated', 'unsupported'] });
      const values: string[] = [];
      for (const r of rules) if (r.kind === 'rule') valuesOf(r.raw['detection'], values);
      let seed = 42;
      const pick = <T>(xs: readonly T[]): T => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return xs[seed % xs.length]!;
      };
      const events: Array<Record<string, unknown>> = [];
      for (let i = 0; i < 3000; i++) {
        const q = `${pick(values)}&x=${pick(values)}`;
        const path = pick(['/', '/index.php', pick(values)]);
        const ua = pick(['Mozilla/5.0 (X11; Linux x86_64)', pick(values)]);
        const host = pick(['shop.example', pick(values)]);
        events.push({
          'event.name': 'http_request',
          'http.request.method': pick(['GET', 'POST', 'PUT', 'HEAD']),
          'url.path': path,
          'url.query': q,
          'http.response.status_code': pick([200, 200, 404, 500, 401]),
          'user_agent.original': ua,
          'server.address': host,
          'log.original': pick(['', `1.2.3.4 - - "GET ${path}?${q}" 200 1 "-" "${ua}"`]),
        });
        events.push({
          'event.name': 'log',
          'log.format': 'syslog',
          'log.original': `Nov 27 09:00:00 h ${pick(['sshd', 'sudo', 'cron'])}[1]: ${pick(values)} ${pick(values)}`,
          message: pick(values),
          attributes: { 'process.name': pick(['sshd', 'sudo', 'cron', 'clamd', 'vsftpd']) },
        });
      }
      const run = (prefilter: boolean): SigmaMatch[] => {
        const engine = createSigmaEngine({ rules, prefilter });
        return events.flatMap((e, i) => engine.process(e, i * 1000));
      };
      const off = run(false);
      const on = run(true);
      const key = (m: SigmaMatch): string => `${m.timeMs} ${m.ruleId} ${m.title}`;
      expect(off.length).toBeGreaterThan(300);
      expect(on.map(key).sort()).toEqual(off.map(key).sort());
    },
  );
});
