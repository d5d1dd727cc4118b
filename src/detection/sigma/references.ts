/**
 * Wiring of correlation rules to what they reference (by id or name): who feeds which
 * correlator, and which rules still alert on their own (`generate`, Sigma correlation
 * specification: referenced rules are quiet unless a referencing correlation sets
 * `generate: true`). Unknown references and loops fail at load with LW_RULE_INVALID.
 *
 * @example
 * const { feedsOf, alertsOn } = wireCorrelations(rules, correlators);
 */
import { LogwardenError } from '../../core/errors.js';
import type { Correlator } from './correlation.js';
import type { LoadedSigma, SigmaCorrelation } from './types.js';

export interface Feed {
  readonly correlator: Correlator;
  readonly correlation: SigmaCorrelation;
  readonly ref: string;
}

export interface CorrelationWiring {
  readonly feedsOf: ReadonlyMap<LoadedSigma, readonly Feed[]>;
  readonly alertsOn: (r: LoadedSigma) => boolean;
}

export function wireCorrelations(
  rules: readonly LoadedSigma[],
  correlators: ReadonlyMap<SigmaCorrelation, Correlator>,
): CorrelationWiring {
  const byRef = new Map<string, LoadedSigma>();
  for (const r of rules) {
    if (r.id !== undefined) byRef.set(r.id, r);
    if (r.name !== undefined) byRef.set(r.name, r);
  }
  const feedsOf = new Map<LoadedSigma, Feed[]>();
  const generates = new Map<LoadedSigma, boolean>();
  for (const [c, correlator] of correlators) {
    for (const ref of new Set(c.rules)) {
      const target = byRef.get(ref);
      if (!target) {
        throw new LogwardenError(
          'LW_RULE_INVALID',
          `${c.file ?? '<rules>'}: correlation "${c.title}" references rule '${ref}', which is not loaded`,
        );
      }
      if (target === c)
        throw new LogwardenError('LW_RULE_INVALID', `correlation "${c.title}" references itself`);
      const list = feedsOf.get(target) ?? [];
      list.push({ correlator, correlation: c, ref });
      feedsOf.set(target, list);
      generates.set(target, (generates.get(target) ?? false) || c.generate);
    }
  }
  assertNoCycle([...correlators.keys()], byRef);
  return { feedsOf, alertsOn: (r) => !feedsOf.has(r) || generates.get(r) === true };
}

/** Correlations may chain (a temporal_ordered over an event_count) but never loop. */
function assertNoCycle(
  correlations: readonly SigmaCorrelation[],
  byRef: ReadonlyMap<string, LoadedSigma>,
): void {
  const state = new Map<SigmaCorrelation, 'visiting' | 'done'>();
  const visit = (c: SigmaCorrelation, path: string[]): void => {
    const s = state.get(c);
    if (s === 'done') return;
    if (s === 'visiting') {
      throw new LogwardenError(
        'LW_RULE_INVALID',
        `correlations reference each other in a loop: ${[...path, c.title].join(' -> ')}`,
      );
    }
    state.set(c, 'visiting');
    for (const ref of c.rules) {
      const t = byRef.get(ref);
      if (t?.kind === 'correlation') visit(t, [...path, c.title]);
    }
    state.set(c, 'done');
  };
  for (const c of correlations) visit(c, []);
}
