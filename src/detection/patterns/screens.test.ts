// The cheap screens and caches in front of the detectors (inspect.ts, fields.ts, decode.ts) must
// never change a result: a screen that says "nothing here" must be right, and a cached answer
// must equal a fresh one. Corpus strings are read from ../shared/corpus/dev when present.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeValue } from './decode.js';
import { SAFE_UA, inspectRequest, uaTraversalHint } from './inspect.js';
import { detectTraversal } from './traversal.js';
import type { Finding, RequestInput } from './types.js';

const DEV = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/corpus/dev',
);
const haveDev = existsSync(path.join(DEV, 'payloads.jsonl'));
if (!haveDev) console.warn(`screens corpus checks skipped: ${DEV} is absent`);

function traversalFindings(v: string): Finding[] {
  const out: Finding[] = [];
  detectTraversal({ field: 'http.request.headers.user-agent', kind: 'ua', value: v }, out);
  return out;
}

/** Our own strings: one for each kind of text a traversal rule needs, inside a browser-like UA. */
const OWN = [
  '../../etc/passwd',
  'mozilla/5.0 ../../../boot.ini',
  'mozilla/5.0 (x11) /etc/shadow',
  'mozilla/5.0 (x11) etc/passwd',
  '/proc/self/environ',
  'x /var/log/apache2/access.log',
  'curl/8.0 c:/windows/win.ini',
  'c:/boot.ini',
  'agent/1.0 wp-config.php',
  'agent/1.0 (web.config)',
  'agent/1.0 .htaccess',
  'agent/1.0 /.git/config',
  'agent/1.0 ./././././x',
  'agent/1.0 /....../x',
  'agent/1.0 id_rsa',
  'agent/1.0 authorized_keys',
  'agent/1.0 known_hosts',
  'agent/1.0 server-status',
  'agent/1.0 config.yml',
  'agent/1.0 secrets.json',
  'agent/1.0 credentials.xml',
  'agent/1.0 file:/x',
  'agent/1.0 convert.base64-encode',
  'agent/1.0 string.rot13',
  'agent/1.0 zlib.inflate',
  'agent/1.0 /usr/local/apache/conf',
  'agent/1.0 /web-inf/web.xml',
  'agent/1.0 x/dev/tcp/1.2.3.4',
  'agent/1.0 error_log',
  'agent/1.0 system32',
  'agent/1.0 inetpub',
  'agent/1.0 0x2e0x2e/etc',
  '.bashrc',
  ' /etc/hosts',
];
const BROWSERS = [
  'mozilla/5.0 (windows nt 10.0; win64; x64) applewebkit/537.36 (khtml, like gecko) chrome/126.0.0.0 safari/537.36',
  'mozilla/5.0 (x11; linux x86_64; rv:128.0) gecko/20100101 firefox/128.0',
  'mozilla/5.0 (iphone; cpu iphone os 17_5 like mac os x) applewebkit/605.1.15 (khtml, like gecko) mobile/15e148',
  'mozilla/5.0 (compatible; googlebot/2.1; +http://www.google.com/bot.html)',
  'curl/8.5.0',
];

describe('uaTraversalHint (the traversal screen for plain User-Agents)', () => {
  it('lets through every one of our traversal strings the detector reports', () => {
    let reported = 0;
    for (const v of OWN) {
      expect(SAFE_UA.test(v), v).toBe(true);
      if (traversalFindings(v).length > 0) {
        reported++;
        expect(uaTraversalHint(v), v).toBe(true);
      }
    }
    expect(reported).toBeGreaterThan(25);
  });

  it('screens out ordinary browser and bot User-Agents (the point of it)', () => {
    for (const v of BROWSERS.slice(0, 3)) expect(uaTraversalHint(v), v).toBe(false);
  });

  it.skipIf(!haveDev)('never screens out a corpus value the detector reports', () => {
    const values = new Set<string>();
    for (const f of ['payloads.jsonl', 'http_requests.jsonl'])
      for (const line of readFileSync(path.join(DEV, f), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const d = (JSON.parse(line) as { data: Record<string, unknown> }).data;
        const texts = [d.payload, d.param_value, d.uri, ...Object.values(d.headers ?? {})];
        for (const t of texts) {
          if (typeof t !== 'string') continue;
          const v = t.toLowerCase();
          // projected onto the SAFE_UA alphabet three ways, so traversal payloads stay payloads
          values.add(v.replace(/[^a-z0-9 ./;:,()_+-]/g, ' '));
          values.add(v.replace(/[^a-z0-9 ./;:,()_+-]/g, ''));
          values.add('mozilla/5.0 (x11) ' + v.replace(/[^a-z0-9 ./;:,()_+-]/g, '/'));
        }
      }
    let reported = 0;
    let screened = 0;
    for (const v of values) {
      if (!SAFE_UA.test(v)) continue;
      const hint = uaTraversalHint(v);
      if (!hint) screened++;
      if (traversalFindings(v).length > 0) {
        reported++;
        if (!hint) expect.fail(`screened out a value the detector reports: ${JSON.stringify(v)}`);
      }
    }
    expect(reported).toBeGreaterThan(1000);
    expect(screened).toBeGreaterThan(1000);
  });
});

describe('decoding fast path and caches', () => {
  it('decodes plain and encoded values as the full rounds do', () => {
    expect(decodeValue('Mozilla/5.0 (X11)', false)).toBe('mozilla/5.0 (x11)');
    expect(decodeValue('a+b', true)).toBe('a b');
    expect(decodeValue('%2e%2e%2F', false)).toBe('../');
  });

  it('gives a repeated request the same findings as the first time', () => {
    const reqs: RequestInput[] = [
      {
        path: '/a',
        query: 'q=1%27%20or%20%271%27%3D%271',
        headers: { 'user-agent': 'sqlmap/1.8' },
      },
      {
        path: '/../../etc/passwd',
        headers: { referer: 'http://169.254.169.254/latest/meta-data/' },
      },
      { path: '/products/42', query: 'q=red+shoes', headers: { 'user-agent': BROWSERS[0] } },
    ];
    for (const r of reqs) {
      const first = JSON.stringify(inspectRequest(r));
      expect(JSON.stringify(inspectRequest(r))).toBe(first);
    }
    expect(inspectRequest(reqs[0]!).length).toBeGreaterThan(0);
    expect(inspectRequest(reqs[2]!)).toEqual([]);
  });

  it('keeps the field of a cached value apart from another field with the same value', () => {
    const v = '<script>alert(1)</script>';
    const a = inspectRequest({ path: '/', query: `a=${encodeURIComponent(v)}` });
    const b = inspectRequest({ path: '/', query: `b=${encodeURIComponent(v)}` });
    expect(a.map((f) => f.field)).toContain('url.query:a');
    expect(b.map((f) => f.field)).toContain('url.query:b');
    expect(b.map((f) => f.field)).not.toContain('url.query:a');
  });
});
