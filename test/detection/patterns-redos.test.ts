// Hostile-input test for the request detectors: every detector runs on attacker-controlled input
// at ingest rate, so no input may make a regular expression backtrack catastrophically. We run
// inspectRequest on 50 KB adversarial strings (repetitions of the prefixes our patterns look for,
// placed in every kind of field) in a child process with a generous timeout and assert that it
// completed. A catastrophic pattern takes minutes to hours on these inputs, not seconds.
// The child uses the compiled dist/ (`npm test` builds first).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(repoRoot, 'dist/detection/patterns/index.js');
const haveDist = existsSync(dist);
if (!haveDist) console.warn(`patterns-redos: skipped, ${dist} is missing (run npm run build)`);

// Building blocks: each is repeated to 50 KB, alone and followed by a character that forces
// the regex engine to fail at the very end (the classic ReDoS trigger).
const UNITS = [
  ' ',
  '\t',
  'a',
  '0',
  '%',
  '%2',
  '%25',
  '%u',
  '%c0%',
  '&',
  '&#',
  '&#x',
  '&lt',
  '\\',
  '\\u',
  '\\x',
  '+AD',
  '<',
  '<a',
  '<a ',
  '<a on',
  ' on',
  'on',
  'onx=',
  '=',
  '"',
  "'",
  '`',
  "''",
  '("',
  '(',
  ')',
  '${',
  '${:-',
  '${lower:',
  '${env:a:-',
  '$',
  '$(',
  '$a',
  '${ifs}',
  '{',
  '{,',
  '{{',
  '<%',
  '[',
  '[a',
  '/',
  '//',
  '/.',
  '/..',
  '../',
  '..',
  '...',
  './',
  '..%01',
  '0x',
  '0x2e',
  ':',
  '::',
  'a:',
  'http://',
  'http://a',
  '@',
  '-',
  '--',
  '/*',
  '*/',
  '/*!',
  '#',
  ';',
  '|',
  '||',
  '&&',
  '\n',
  '\r\n',
  '\\n',
  '~',
  ',',
  'or ',
  ' or 1',
  'union ',
  'select ',
  'select a,',
  'if(',
  'sleep(',
  'exec ',
  'order by 1',
  ' and ',
  'constructor[',
  'constructor ',
  "'ab'",
  'url(',
  "url('",
  'javascript',
  'java\tscript:',
  'document.',
  'window.',
  'o:1:"',
  '<?',
  '<?php ',
  '$_',
  'system(',
  'eval(',
  'cat ',
  ';cat',
  'nc ',
  'for %a in',
  'if not ',
  'if "',
  'ping ',
  'which ',
  'net ',
  'reg ',
  '/bin/',
  '/???/',
  '/[a',
  'mozilla/',
  'moz',
  'sqlmap',
  '1=1',
  "'or'",
  'a\'b"c`d',
  'jndi',
  '${jndi:',
  '%24%7b',
];
const ENDINGS = ['', '!', '\u0000', '\uffff', 'x', '(', '"', "'", '>', ';', '}'];

const CHILD = `
import { inspectRequest } from ${JSON.stringify(new URL('file://' + dist).href)};
const units = JSON.parse(process.argv[1]);
const endings = JSON.parse(process.argv[2]);
const SIZE = 50 * 1024;
let n = 0, worst = 0, worstName = '';
for (const u of units) {
  const base = u.repeat(Math.ceil(SIZE / u.length)).slice(0, SIZE);
  for (const end of endings) {
    const v = base + end;
    const enc = encodeURIComponent(v);
    const reqs = [
      { path: '/x', query: 'q=' + enc },
      { path: '/x', query: enc },
      { path: '/' + v },
      { path: '/', headers: { 'user-agent': v } },
      { path: '/', headers: { 'x-custom': v, cookie: 'a=' + v, referer: 'http://x/?r=' + enc } },
      { path: '/', headers: { accept: v } },
      { path: '/', body: v },
      { path: '/', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ k: v }) },
      { path: '/', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: '--b\\r\\ncontent-disposition: form-data; name="f"\\r\\n\\r\\n' + v },
    ];
    for (const r of reqs) {
      const t = performance.now();
      inspectRequest(r);
      const ms = performance.now() - t;
      n++;
      if (ms > worst) { worst = ms; worstName = JSON.stringify(u) + '+' + JSON.stringify(end); }
    }
  }
}
console.log(JSON.stringify({ done: n, worstMs: Math.round(worst), worst: worstName }));
`;

describe('patterns: hostile inputs', () => {
  it.skipIf(!haveDist)(
    'inspectRequest completes on 50 KB adversarial inputs in every field (child process, 240 s cap)',
    () => {
      const started = Date.now();
      const r = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', CHILD, JSON.stringify(UNITS), JSON.stringify(ENDINGS)],
        { encoding: 'utf8', timeout: 240_000, maxBuffer: 1 << 20 },
      );
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (r.error || r.status !== 0) {
        throw new Error(
          `child did not complete (status ${r.status}, signal ${r.signal}, ${secs}s): ${r.error?.message ?? ''} ${r.stderr}`,
        );
      }
      const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
        done: number;
        worstMs: number;
        worst: string;
      };
      console.log(
        `patterns-redos: ${out.done} requests of 50 KB in ${secs}s; slowest ${out.worstMs} ms (${out.worst})`,
      );
      expect(out.done).toBe(UNITS.length * ENDINGS.length * 9);
    },
    300_000,
  );
});
