import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { durationDays, interpretAnswer } from './interpret.js';
import {
  interviewFindings,
  interviewFromAnswers,
  parseAnswersFile,
  runInterview,
} from './interview.js';
import { QUESTIONS } from './questions.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const q = (id: string) => QUESTIONS.find((x) => x.id === id)!;

describe('interview: the seed answers (examples/interview-answers.yaml)', () => {
  const file = path.join(root, 'examples/interview-answers.yaml');
  const answers = parseAnswersFile(readFileSync(file, 'utf8'), file);
  const result = interviewFromAnswers(answers);
  const findings = interviewFindings(result);
  const byId = new Map(findings.map((f) => [f.id, f]));

  it('produces the findings an assessor would write, each tied to its answer', () => {
    const expected = {
      'INT-LOG-ALL': 'We log all connections',
      'INT-CONTENT-POOR': 'Mainly just the timestamp and the URL requested',
      'INT-REVIEW-REACTIVE': 'We only review logs if we see a lot of traffic',
      'INT-NO-FLAGGING': "They aren't",
      'INT-LOCAL-STORAGE': 'On the web server',
    };
    for (const [id, answer] of Object.entries(expected)) {
      const f = byId.get(id as never);
      expect(f, id).toBeDefined();
      expect(
        f!.evidence.some((e) => e.text.includes(answer)),
        id,
      ).toBe(true);
      expect(f!.refs.length).toBeGreaterThan(0);
    }
    expect(byId.get('INT-LOCAL-STORAGE')!.refs).toContain('PCI:10.3.3');
    expect(byId.get('INT-REVIEW-REACTIVE')!.refs).toContain('PCI:10.4.1');
    expect(byId.get('INT-CONTENT-POOR')!.refs).toContain('PCI:10.2.2');
    expect(result.answers.every((a) => a.intent !== 'unclear')).toBe(true);
    // The questions the seed did not answer are listed, not silently passed.
    expect(byId.get('INT-UNANSWERED')!.summary).toContain('retention');
  });
});

describe('interview: reading answers', () => {
  it('reads good answers as good (no findings)', () => {
    const r = interviewFromAnswers({
      what_logged: 'Logins, failed logins, access denied and admin changes',
      event_content: 'time in UTC, user id, source IP, event type and outcome',
      review_frequency: 'Daily, and automated alerts go to the SOC',
      high_value_flagging: 'They get a severity and alert the on-call engineer via PagerDuty',
      storage_location: 'Shipped to a central append-only log server',
      retention: '13 months',
      who_told: 'The on-call security engineer',
      time_sync: 'Yes, chrony against our NTP servers, logs in UTC',
      log_access: 'Only the security team, read-only',
      sensitive_data: 'No, the SDK redacts them before writing',
      auth_logged: 'Yes, both',
      logging_failure: 'Yes, silence alerts',
      integrity: 'Yes, hashed and signed checkpoints',
      inventory: 'Yes, documented in the wiki',
    });
    expect(result(r)).toEqual([]);
    function result(x: typeof r) {
      return interviewFindings(x).map((f) => f.id);
    }
  });

  it('retention: durations compared to 12 months', () => {
    expect(durationDays('about six months')).toBeCloseTo(182.64, 1);
    expect(durationDays('2 years, then archived')).toBeCloseTo(730.5, 1);
    expect(interpretAnswer(q('retention'), '30 days')!.findings).toContain('INT-RETENTION');
    expect(interpretAnswer(q('retention'), 'one year')!.findings).toEqual([]);
    expect(interpretAnswer(q('retention'), "until they're rotated")!.findings).toContain(
      'INT-RETENTION',
    );
  });

  it('an unclear answer gets the follow-up, and the combined answer is read', async () => {
    const asked: string[] = [];
    const replies = ['hmm', 'They stay on the web server, nowhere else'];
    const r = await runInterview(
      async (question, followUp) => {
        asked.push(followUp ?? question.text);
        return replies.shift();
      },
      [q('storage_location')],
    );
    expect(asked).toEqual([q('storage_location').text, q('storage_location').followUp]);
    expect(r.answers[0]!.intent).toBe('local_only');
    expect(interviewFindings(r).map((f) => f.id)).toEqual(['INT-LOCAL-STORAGE']);
  });

  it('still unclear after the follow-up: the report says what to ask, it does not guess', async () => {
    const replies = ['hmm', 'dunno'];
    const r = await runInterview(async () => replies.shift(), [q('storage_location')]);
    expect(r.answers[0]!.intent).toBe('unclear');
    const f = interviewFindings(r);
    expect(f.map((x) => x.id)).toEqual(['INT-UNCLEAR']);
    expect(f[0]!.summary).toContain(q('storage_location').followUp);
  });

  it('rejects bad answers files with the file and key named', () => {
    expect(() => parseAnswersFile('version: 2\nanswers: {}', 'a.yaml')).toThrow(
      /a.yaml: version: expected 1/,
    );
    expect(() => parseAnswersFile('version: 1\nanswers:\n  wat: x', 'a.yaml')).toThrow(
      /answers.wat: unknown question id/,
    );
    expect(() => parseAnswersFile('version: 1\nanswerz: {}', 'a.yaml')).toThrow(
      /unknown key "answerz"/,
    );
    expect(() => parseAnswersFile('version: 1\nanswers:\n  retention: [1, 2]', 'a.yaml')).toThrow(
      /answers.retention: expected text/,
    );
    expect(() => parseAnswersFile('version: [', 'a.yaml')).toThrow(/a.yaml: not valid YAML/);
  });
});
