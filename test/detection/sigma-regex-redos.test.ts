/**
 * A hostile `re` rule cannot stall the pipeline (issue 5, "Engine"): a rule with `(a+)+$` runs
 * through the whole engine on a 50,000-character attacker-controlled value in a child process,
 * which must finish and report its result. A control child runs the same regex on the plain
 * backtracking engine and is killed at the deadline, showing the hazard is real (this is why the
 * check runs in a child: a stalled regex blocks the event loop, so no in-process timeout could
 * fire). The child uses the compiled dist/ (npm test builds first).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../..');
const DIST = resolve(repoRoot, 'dist/detection/sigma/index.js');
const built = existsSync(DIST);
if (!built)
  console.warn(`ReDoS child-process tests skipped: ${DIST} is absent (run npm run build)`);

function runChild(
  code: string,
  timeoutMs: number,
): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', code],
      { timeout: timeoutMs, killSignal: 'SIGKILL' },
      (err, stdout) => {
        done({
          code: child.exitCode,
          signal: err && 'signal' in err ? (err.signal as string | null) : null,
          stdout,
        });
      },
    );
  });
}

const ENGINE_CHILD = `
import { createSigmaEngine, loadSigmaText } from ${JSON.stringify(DIST)};
const rules = loadSigmaText(\`title: hostile regex
logsource: { category: webserver }
detection:
  sel: { cs-uri-query|re: '(a+)+$' }
  sel2: { cs-user-agent|re: '(?i)(x+x+)+y' }
  condition: sel or sel2
\`);
const engine = createSigmaEngine({ rules });
const hostile = { 'event.name': 'http_request', 'url.path': '/', 'url.query': 'a'.repeat(50000) + '!', 'user_agent.original': 'x'.repeat(50000) };
const out = engine.process(hostile, 0);
const benign = engine.process({ 'event.name': 'http_request', 'url.path': '/', 'url.query': 'q=aaaa' }, 1);
console.log(JSON.stringify({ hostile: out.length, benign: benign.length }));
`;

describe('regular expressions from rules on hostile input', () => {
  it.skipIf(!built)(
    '(a+)+$ on 50,000 a’s and a ! completes through the engine (skipped without dist/)',
    async () => {
      const r = await runChild(ENGINE_CHILD, 30_000);
      expect(r.signal, 'the child was killed at the deadline: the regex stalled').toBeNull();
      expect(r.code).toBe(0);
      // Neither hostile value matches; the benign query ends in a's and does.
      expect(JSON.parse(r.stdout)).toEqual({ hostile: 0, benign: 1 });
    },
  );

  it('control: the same regex on the plain backtracking engine does stall', async () => {
    const r = await runChild(`console.log(/(a+)+$/.test('a'.repeat(50000) + '!'))`, 3_000);
    expect(r.signal).toBe('SIGKILL');
  });
});
