/**
 * The committed examples are what the tools produce today: examples/system.log comes from its
 * seeded generator, and examples/reports/ from `logwarden audit` / `interview` on the examples
 * (compared without the generation time). Regenerate with scripts/gen-example-reports.sh.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { format } from 'prettier';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../e2e/helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'lw-examples-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const read = (p: string): string => readFileSync(path.join(repoRoot, p), 'utf8');
// Compared through prettier, so `npm run format`
// over examples/ does not make them "stale".
const undated = async (s: string, ext: string): Promise<string> => {
  const u = s.replace(/Generated \d{4}-\d\d-\d\dT[\d:.]+Z/g, 'Generated TIME');
  return format(u, { parser: ext === 'html' ? 'html' : 'markdown' });
};
const STALE = 'stale: run scripts/gen-example-reports.sh after npm run build';

describe('committed examples', () => {
  it('examples/system.log is the seeded generator output: timestamps and URLs only', () => {
    const fresh = execFileSync(
      process.execPath,
      [path.join(repoRoot, 'scripts/gen-system-log.mjs')],
      { encoding: 'utf8' },
    );
    expect(fresh).toBe(read('examples/system.log'));
    const lines = fresh.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(300);
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \/\S*$/);
  });

  it.each(['md', 'html'])(
    'examples/reports/system-audit.%s is current and flags the seed gaps',
    async (ext) => {
      const out = path.join(tmp, `system-audit.${ext}`);
      const r = await runCli([
        'audit',
        'examples/system.log',
        '--title',
        'Log audit: examples/system.log',
        '--output',
        out,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const committed = read(`examples/reports/system-audit.${ext}`);
      expect(await undated(committed, ext), STALE).toBe(
        await undated(readFileSync(out, 'utf8'), ext),
      );
      for (const id of [
        'AUD-NO-WHO',
        'AUD-NO-WHAT',
        'AUD-NO-OUTCOME',
        'AUD-NO-LOGIN',
        'AUD-NO-ERRORS',
      ])
        expect(committed).toContain(id);
    },
  );

  it('examples/reports/interview.md is current', async () => {
    const out = path.join(tmp, 'interview.md');
    const r = await runCli([
      'interview',
      '--answers',
      'examples/interview-answers.yaml',
      '--title',
      'Interview: the seed answers',
      '--output',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(await undated(read('examples/reports/interview.md'), 'md'), STALE).toBe(
      await undated(readFileSync(out, 'utf8'), 'md'),
    );
  });
});
