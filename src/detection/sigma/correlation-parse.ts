/**
 * Validation of a correlation rule's `correlation:` block (Sigma correlation rules
 * specification): type, rules, group-by, timespan, condition, aliases and generate.
 *
 * @example
 * parseTimespan('10m') // 600000
 */
import type {
  CorrelationCondition,
  CorrelationType,
  SigmaCorrelation,
  SigmaRuleMeta,
} from './types.js';
import { isYamlMap } from './yaml-source.js';
import type { YamlValue } from './yaml-source.js';

const TYPES = new Set<CorrelationType>([
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
]);
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function parseTimespan(s: string): number {
  const m = /^(\d+)([smhdw])$/.exec(s.trim());
  if (!m)
    throw new Error(
      `'timespan' is '${s}'; expected a number and a unit s, m, h, d or w (e.g. 10m)`,
    );
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms <= 0) throw new Error(`'timespan' must be positive`);
  return ms;
}

export function parseCorrelation(
  v: Record<string, YamlValue>,
  meta: SigmaRuleMeta,
): SigmaCorrelation {
  const c = v['correlation'];
  if (!isYamlMap(c)) throw new Error("'correlation' must be a map");
  const type = c['type'];
  if (typeof type !== 'string' || !TYPES.has(type as CorrelationType)) {
    throw new Error(
      `'correlation.type' is '${String(type)}'; expected one of ${[...TYPES].join(', ')}`,
    );
  }
  const t = type as CorrelationType;
  const rules = c['rules'];
  const ruleList = typeof rules === 'string' ? [rules] : rules;
  if (
    !Array.isArray(ruleList) ||
    ruleList.length === 0 ||
    ruleList.some((r) => typeof r !== 'string')
  ) {
    throw new Error("'correlation.rules' must be a non-empty list of rule ids or names");
  }
  const groupRaw = c['group-by'];
  const groupBy =
    groupRaw === undefined || groupRaw === null
      ? []
      : typeof groupRaw === 'string'
        ? [groupRaw]
        : groupRaw;
  if (!Array.isArray(groupBy) || groupBy.some((g) => typeof g !== 'string')) {
    throw new Error("'correlation.group-by' must be a list of field names");
  }
  const ts = c['timespan'] ?? c['timeframe'];
  if (typeof ts !== 'string') throw new Error("'correlation.timespan' is missing");
  const timespanMs = parseTimespan(ts);
  const condition = parseCondition(c['condition'], t);
  if ((t === 'temporal' || t === 'temporal_ordered') && (ruleList as string[]).length < 2) {
    throw new Error(`a ${t} correlation needs at least two rules`);
  }
  const aliases = parseAliases(c['aliases'], groupBy as string[], ruleList as string[]);
  const gen = c['generate'] ?? v['generate'];
  if (gen !== undefined && gen !== 'true' && gen !== 'false')
    throw new Error("'generate' must be true or false");
  return {
    kind: 'correlation',
    ...meta,
    type: t,
    rules: ruleList as string[],
    groupBy: groupBy as string[],
    timespanMs,
    condition,
    aliases,
    generate: gen === 'true',
  };
}

function parseCondition(
  v: YamlValue | undefined,
  type: CorrelationType,
): CorrelationCondition | undefined {
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (v === undefined || v === null) {
    if (temporal) return undefined;
    throw new Error(`a ${type} correlation needs a 'condition' (e.g. gte: 10)`);
  }
  if (!isYamlMap(v)) throw new Error("'correlation.condition' must be a map like { gte: 10 }");
  const out: { -readonly [K in keyof CorrelationCondition]: CorrelationCondition[K] } = {};
  let bounds = 0;
  for (const [k, x] of Object.entries(v)) {
    if (k === 'field') {
      if (typeof x !== 'string') throw new Error("'condition.field' must be a field name");
      out.field = x;
      continue;
    }
    if (typeof x !== 'string') throw new Error(`'condition.${k}' must be a number`);
    if (k === 'range') {
      const m = /^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*$/.exec(x);
      if (!m) throw new Error(`'condition.range' is '${x}'; expected MIN..MAX`);
      out.gte = Number(m[1]);
      out.lte = Number(m[2]);
      bounds += 2;
      continue;
    }
    if (!['gt', 'gte', 'lt', 'lte', 'eq'].includes(k)) {
      throw new Error(`unknown condition operator '${k}' (gt, gte, lt, lte, eq, range, field)`);
    }
    const n = Number(x);
    if (x.trim() === '' || !Number.isFinite(n))
      throw new Error(`'condition.${k}' is '${x}', not a number`);
    (out as Record<string, number>)[k] = n;
    bounds++;
  }
  if (bounds === 0)
    throw new Error("'correlation.condition' has no operator (gt, gte, lt, lte, eq, range)");
  const needsField =
    type === 'value_count' ||
    type === 'value_sum' ||
    type === 'value_avg' ||
    type === 'value_percentile';
  if (needsField && out.field === undefined)
    throw new Error(`a ${type} correlation needs 'condition.field'`);
  if (!needsField && out.field !== undefined)
    throw new Error(`a ${type} correlation takes no 'condition.field'`);
  return out;
}

function parseAliases(
  v: YamlValue | undefined,
  groupBy: string[],
  rules: string[],
): Record<string, Record<string, string>> {
  if (v === undefined || v === null) return {};
  if (!isYamlMap(v)) throw new Error("'correlation.aliases' must be a map");
  const out: Record<string, Record<string, string>> = {};
  for (const [alias, map] of Object.entries(v)) {
    if (!isYamlMap(map)) throw new Error(`alias '${alias}' must map rule names to field names`);
    if (!groupBy.includes(alias)) throw new Error(`alias '${alias}' is not used in 'group-by'`);
    const m: Record<string, string> = {};
    for (const [rule, field] of Object.entries(map)) {
      if (typeof field !== 'string')
        throw new Error(`alias '${alias}' for rule '${rule}' must be a field name`);
      if (!rules.includes(rule))
        throw new Error(
          `alias '${alias}' names rule '${rule}', which the correlation does not reference`,
        );
      m[rule] = field;
    }
    out[alias] = m;
  }
  return out;
}
