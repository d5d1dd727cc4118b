/**
 * Run the test events a rule carries (see test-cases.ts for the format). Each case gets a
 * fresh engine holding the rule (and, for a correlation, the rules it references), feeds the
 * events in order on their event time, closes all windows, and compares how often the rule
 * fired with what the case expects. This is what `logwarden rules test` runs.
 *
 * @example
 * for (const r of runRuleTests(rule)) if (!r.passed) console.error(r.message);
 */
import { LogwardenError } from '../../core/errors.js';
import { createSigmaEngine } from './engine.js';
import type { SigmaEngineOptions } from './engine.js';
import type { LoadedSigma, RuleTestCase } from './types.js';

export interface RuleTestResult {
  readonly rule: string;
  readonly test: string;
  readonly passed: boolean;
  readonly matches: number;
  readonly message: string;
}

export interface RuleTestOptions extends Omit<SigmaEngineOptions, 'rules'> {
  /** Other loaded rules, so a correlation's referenced rules can be found. */
  readonly rules?: readonly LoadedSigma[];
  /** Event time of the first event without a `time` field; later ones follow a second apart. */
  readonly startMs?: number;
}

export function runRuleTests(rule: LoadedSigma, opts: RuleTestOptions = {}): RuleTestResult[] {
  const label = rule.id ?? rule.name ?? rule.title;
  const set = withReferences(rule, opts.rules ?? []);
  return rule.tests.map((tc) => runCase(rule, label, set, tc, opts));
}

function runCase(
  rule: LoadedSigma,
  label: string,
  set: LoadedSigma[],
  tc: RuleTestCase,
  opts: RuleTestOptions,
): RuleTestResult {
  const { rules: _rules, startMs, ...engineOpts } = opts;
  const engine = createSigmaEngine({ ...engineOpts, rules: set });
  const base = startMs ?? Date.UTC(2026, 0, 1);
  let matches = 0;
  let last = base;
  const count = (ms: ReturnType<typeof engine.process>): void => {
    for (const m of ms)
      if (m.title === rule.title && m.ruleId === rule.id && m.ruleName === rule.name) matches++;
  };
  tc.events.forEach((e, i) => {
    const t =
      typeof e['time'] === 'string' ? Date.parse(e['time']) : base + i * (tc.intervalMs ?? 1000);
    if (!Number.isFinite(t)) {
      throw new LogwardenError(
        'LW_RULE_INVALID',
        `rule ${label}: test "${tc.name}": event ${i + 1} has an invalid time '${String(e['time'])}'`,
      );
    }
    last = Math.max(last, t);
    count(engine.process(e, t));
  });
  if (tc.flush !== false) count(engine.advanceTo(last + 366 * 86_400_000));
  const want = tc.expect;
  let passed = true;
  const reasons: string[] = [];
  if (want.matches !== undefined && matches !== want.matches) {
    passed = false;
    reasons.push(`expected ${want.matches} match(es), got ${matches}`);
  }
  if (want.match !== undefined && matches > 0 !== want.match) {
    passed = false;
    reasons.push(want.match ? 'expected a match, got none' : `expected no match, got ${matches}`);
  }
  return {
    rule: label,
    test: tc.name,
    passed,
    matches,
    message: passed
      ? `ok: ${label}: ${tc.name}`
      : `FAIL: ${label}: ${tc.name}: ${reasons.join('; ')}`,
  };
}

/** The rule plus every rule it references, transitively (by id or name). */
function withReferences(rule: LoadedSigma, all: readonly LoadedSigma[]): LoadedSigma[] {
  const out = new Set<LoadedSigma>([rule]);
  const queue: LoadedSigma[] = [rule];
  while (queue.length > 0) {
    const r = queue.shift()!;
    if (r.kind !== 'correlation') continue;
    for (const ref of r.rules) {
      const t = all.find((x) => x.id === ref || x.name === ref);
      if (t && !out.has(t)) {
        out.add(t);
        queue.push(t);
      }
    }
  }
  return [...out];
}
