/**
 * Rules carry their own test events (`tests:` in the rule, or `<rule>.tests.yml` beside it);
 * runRuleTests runs them, as `logwarden rules test` will. The rules in cases/sigma/rule-tests/
 * are ours and exercise both forms, a detection rule and a correlation.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSigmaDirectory } from '../../src/detection/sigma/load-files.js';
import { runRuleTests } from '../../src/detection/sigma/rule-tests.js';

const DIR = resolve(import.meta.dirname, 'cases/sigma/rule-tests');

describe('rules test themselves', () => {
  it('every test event in cases/sigma/rule-tests passes', () => {
    const { rules, errors } = loadSigmaDirectory(DIR);
    expect(errors.map((e) => e.message)).toEqual([]);
    const results = rules.flatMap((r) => runRuleTests(r, { rules }));
    for (const r of results) if (!r.passed) console.error(r.message);
    expect(results.length).toBeGreaterThanOrEqual(6);
    expect(results.filter((r) => !r.passed).map((r) => r.message)).toEqual([]);
  });

  it('a wrong expectation fails and says which test', () => {
    const { rules } = loadSigmaDirectory(DIR);
    const sweep = rules.find((r) => r.title === 'sshd invalid-user sweep from one source')!;
    const flipped = {
      ...sweep,
      tests: sweep.tests.map((t) => ({
        ...t,
        expect: { match: !(t.expect.match ?? (t.expect.matches ?? 0) > 0) },
      })),
    };
    const results = runRuleTests(flipped, { rules });
    expect(results.every((r) => !r.passed)).toBe(true);
    expect(results[0]!.message).toMatch(
      /FAIL: 0c6b7f9e-3f61-4d2b-a8c4-6f0e1b2a9d33: five invented users/,
    );
  });
});
