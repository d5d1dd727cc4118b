/**
 * `logwarden interview` as a process: answers piped one a line (the follow-up of an unclear
 * answer takes the next line), and the answers file from examples/.
 */
import { describe, expect, it } from 'vitest';
import type { AssessmentReport } from '../../src/assess/report/index.js';
import { runCli } from '../e2e/helpers.js';

describe('logwarden interview (process)', () => {
  it('reads piped answers, asks the follow-up for an unclear one, and reports on stdout', async () => {
    const input =
      ['We log all connections', 'hmm', 'only the time and the URL', 'never really'].join('\n') +
      '\n';
    const r = await runCli(['interview', '--format', 'json'], { input });
    expect(r.code, r.stderr).toBe(0);
    // Prompts go to stderr, so stdout is only the report.
    expect(r.stderr).toContain('1/14 What do you log?');
    expect(r.stderr).toContain('(could you say more?)');
    const report = JSON.parse(r.stdout) as AssessmentReport;
    const a = report.interview!.answers;
    expect(a.map((x) => [x.id, x.intent])).toEqual([
      ['what_logged', 'everything'],
      ['event_content', 'time_and_url'],
      ['review_frequency', 'reactive'],
    ]);
    expect(a[1]!.answer).toBe('hmm; only the time and the URL');
    const ids = report.findings.map((f) => f.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'INT-LOG-ALL',
        'INT-CONTENT-POOR',
        'INT-REVIEW-REACTIVE',
        'INT-UNANSWERED',
      ]),
    );
  });

  it('the seed answers file gives the assessor findings in the terminal report', async () => {
    const r = await runCli(['interview', '--answers', 'examples/interview-answers.yaml']);
    expect(r.code, r.stderr).toBe(0);
    for (const t of [
      'Everything is logged instead of the security events',
      'Events carry too little to investigate',
      'Logs are only reviewed after something looks wrong',
      'High-value events are not flagged or alerted',
      'Logs are kept only on the server that produces them',
    ])
      expect(r.stdout).toContain(t);
    expect(r.stdout).toMatch(/Maps to: .*PCI DSS v4\.0 10\.3\.3/s);
  });

  it('no answers at all is a usage error, and a bad file is named', async () => {
    const none = await runCli(['interview'], { input: '' });
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('no answers given');
    const bad = await runCli(['interview', '--answers', 'no-such-answers.yaml']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--answers no-such-answers.yaml: cannot read (ENOENT)');
  });
});
