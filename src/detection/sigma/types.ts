/**
 * Loaded Sigma rules and engine results. A {@link SigmaRule} is a detection rule compiled to a
 * predicate; a {@link SigmaCorrelation} is a correlation rule (sigma-correlation-rules
 * specification) whose references are resolved by the engine.
 */
import type { SigmaEventView } from './event-view.js';
import type { YamlValue } from './yaml-source.js';
import type { Requirement } from './prefilter.js';
import type { CompiledDetection } from './compile.js';

export interface SigmaLogsource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
}

/** Common metadata of both kinds of rules. */
export interface SigmaRuleMeta {
  /** UUID from the rule, when it has one. */
  readonly id?: string;
  /** Sigma v2 `name`, used by correlations to refer to a rule. */
  readonly name?: string;
  readonly title: string;
  readonly level?: string;
  readonly status?: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** File the rule was loaded from, and 1-based index of its YAML document. */
  readonly file?: string;
  readonly document: number;
  /** Test cases carried by the rule (`tests:`) or by a `<rule>.tests.yaml` beside it. */
  readonly tests: readonly RuleTestCase[];
  /** The whole YAML document (scalars as their source text). */
  readonly raw: Readonly<Record<string, YamlValue>>;
}

export interface SigmaRule extends SigmaRuleMeta {
  readonly kind: 'rule';
  readonly logsource: SigmaLogsource;
  /** Every field name the detection reads (for match reports and field-mapping checks). */
  readonly fields: readonly string[];
  /** True when the rule has keyword (field-less) searches. */
  readonly usesKeywords: boolean;
  /** Literals one of which must occur for a match ('always' when unknown); see prefilter.ts. */
  readonly requirement: Requirement;
  /** The compiled detection: evaluate on one event view. */
  readonly match: (view: SigmaEventView) => boolean;
  /** `match` for events whose known fields are fixed (compile.ts); absent: use `match`. */
  readonly specialize?: CompiledDetection['specialize'];
}

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile';

/** `gt`/`gte`/`lt`/`lte`/`eq` bounds, all of which must hold (a `range` sets gte and lte). */
export interface CorrelationCondition {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
  readonly eq?: number;
  readonly field?: string;
}

export interface SigmaCorrelation extends SigmaRuleMeta {
  readonly kind: 'correlation';
  readonly type: CorrelationType;
  /** References to rules (or correlations) by id or name. */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespanMs: number;
  readonly condition: CorrelationCondition | undefined;
  /** alias name → (rule reference → field name in that rule's events). */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** When false (the default), the referenced rules do not alert on their own. */
  readonly generate: boolean;
}

export type LoadedSigma = SigmaRule | SigmaCorrelation;

/** A test event in a rule file: fields of our event schema, plus an optional time. */
export interface RuleTestCase {
  readonly name: string;
  /** Events in order; `time` (RFC 3339) gives event time, otherwise one second apart. */
  readonly events: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** How many times the rule must fire over these events (`match: true` = at least once). */
  readonly expect: { readonly matches?: number; readonly match?: boolean };
  /** Close all windows at the end (for lt/lte correlations). Default true. */
  readonly flush?: boolean;
  /** Spacing of events that carry no `time`. Default 1000. */
  readonly intervalMs?: number;
}

/** One alert-worthy result of the engine. */
export interface SigmaMatch {
  readonly ruleId: string | undefined;
  readonly ruleName: string | undefined;
  readonly title: string;
  readonly level: string | undefined;
  /** ATT&CK and other tags of the rule, as written (`attack.t1190`). */
  readonly tags: readonly string[];
  readonly kind: 'rule' | 'correlation';
  /** Event time of the match (the triggering event, or the window close). */
  readonly timeMs: number;
  /** Fields the rule reads, with the event's values (detection rules). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Correlations: the group-by values, the measured value and the window. */
  readonly groupKey?: Readonly<Record<string, unknown>>;
  readonly count?: number;
  readonly value?: number;
  readonly firstMs?: number;
  readonly lastMs?: number;
  /** Correlations: contributing events (bounded, newest kept), as given to process(). */
  readonly events?: readonly unknown[];
  /** Set when the engine had to drop contributing events beyond its bound. */
  readonly eventsDropped?: number;
}
