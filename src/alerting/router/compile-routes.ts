/**
 * The routing tree, compiled once into closures (STYLE habit 8). Semantics follow Alertmanager:
 * the root matches every alert; children are tried in order; the first that matches wins unless
 * it says `continue: true`, then later siblings are tried too; a route none of whose children
 * matched is itself the destination. Children inherit receivers, grouping and timing from their
 * parent. So every alert reaches at least one route: nothing is unrouted.
 */
import { SEVERITY_RANK, type AlertSeverity } from '../../detection/alerts/alert.js';
import type { Alert } from '../../detection/alerts/alert.js';
import { compileMuteWindow, type MuteTest } from './mute-window.js';
import type { RouteConfig, AlertingConfig } from '../types.js';

export type GroupKeyName =
  'rule' | 'entity' | 'severity' | 'service' | 'environment' | 'host' | 'kind';

export interface DecisionPolicy {
  readonly type: 'ban_ip' | 'lock_user' | 'auto';
  readonly durationMs: number;
  readonly factor: number;
  readonly maxMs: number;
  readonly lookbackMs: number;
  readonly receivers: readonly string[];
}

export interface CompiledRoute {
  /** `root`, `root.0`, `root.0.2`: stable names for logs, groups and `routes test`. */
  readonly path: string;
  readonly receivers: readonly string[];
  readonly groupBy: readonly GroupKeyName[];
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly escalate: readonly { afterMs: number; receivers: readonly string[] }[];
  readonly digest: boolean;
  readonly decision: DecisionPolicy | undefined;
  readonly continue: boolean;
  readonly children: readonly CompiledRoute[];
  /** Undefined when the alert matches, else why not. */
  readonly mismatch: (a: Alert) => string | undefined;
  /** The index of the mute window that holds at `nowMs`, or -1. */
  readonly mutedBy: (nowMs: number) => number;
}

export interface RouteMatch {
  readonly route: CompiledRoute;
  readonly muted: boolean;
}

export interface RouteTrace {
  readonly path: string;
  readonly matched: boolean;
  readonly why: string;
}

export interface Router {
  readonly root: CompiledRoute;
  /** The routes an alert reaches (at least one), with `trace` filled when given. */
  match(a: Alert, nowMs: number, trace?: RouteTrace[]): RouteMatch[];
}

type Test = (a: Alert) => string | undefined;

const asList = (v: string | readonly string[] | undefined): readonly string[] | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? [v] : v;

function severityTest(spec: string | readonly string[]): Test {
  if (Array.isArray(spec) || typeof spec !== 'string' || !/^[<>]/.test(spec)) {
    const allowed = new Set(asList(spec as string | string[]));
    return (a) =>
      allowed.has(a.severity)
        ? undefined
        : `severity ${a.severity} not in [${[...allowed].join(', ')}]`;
  }
  const m = /^(>=|<=|>|<)(\w+)$/.exec(spec)!;
  const op = m[1]!;
  const rank = SEVERITY_RANK[m[2] as AlertSeverity];
  const ok = (r: number) =>
    op === '>=' ? r >= rank : op === '>' ? r > rank : op === '<=' ? r <= rank : r < rank;
  return (a) =>
    ok(SEVERITY_RANK[a.severity]) ? undefined : `severity ${a.severity} is not ${spec}`;
}

function oneOf(
  field: string,
  values: readonly string[] | undefined,
  get: (a: Alert) => readonly (string | undefined)[],
): Test | undefined {
  if (values === undefined) return undefined;
  const set = new Set(values);
  return (a) => {
    const have = get(a).filter((v): v is string => v !== undefined);
    return have.some((v) => set.has(v))
      ? undefined
      : `${field} ${have.length ? have.join('/') : '(none)'} not in [${values.join(', ')}]`;
  };
}

function compileMatch(m: RouteConfig['match']): Test {
  const tests: Test[] = [];
  if (m.severity !== undefined) tests.push(severityTest(m.severity));
  const add = (t: Test | undefined) => t && tests.push(t);
  add(oneOf('rule', asList(m.rule), (a) => [a.rule.name, a.rule.id, a.rule.title]));
  add(oneOf('service', asList(m.service), (a) => [a.service]));
  add(oneOf('environment', asList(m.environment), (a) => [a.environment]));
  add(oneOf('entity_type', asList(m.entity_type), (a) => [a.entity.type]));
  add(oneOf('entity_value', asList(m.entity_value), (a) => [a.entity.value]));
  add(oneOf('kind', asList(m.kind), (a) => [a.kind]));
  if (m.tags !== undefined) {
    const want = m.tags.map((t) => t.toLowerCase());
    tests.push((a) => {
      const have = new Set(a.tags.map((t) => t.toLowerCase()));
      const missing = want.filter((t) => !have.has(t));
      return missing.length === 0 ? undefined : `tags lack ${missing.join(', ')}`;
    });
  }
  return (a) => {
    for (const t of tests) {
      const why = t(a);
      if (why !== undefined) return why;
    }
    return undefined;
  };
}

interface Inherited {
  receivers: readonly string[];
  groupBy: readonly GroupKeyName[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

function compileRoute(r: RouteConfig, path: string, parent: Inherited): CompiledRoute {
  const own: Inherited = {
    receivers: r.receivers ?? parent.receivers,
    groupBy: (r.group_by as readonly GroupKeyName[] | undefined) ?? parent.groupBy,
    groupWaitMs: r.group_wait_secs !== undefined ? r.group_wait_secs * 1000 : parent.groupWaitMs,
    groupIntervalMs:
      r.group_interval_secs !== undefined ? r.group_interval_secs * 1000 : parent.groupIntervalMs,
    repeatIntervalMs:
      r.repeat_interval_secs !== undefined
        ? r.repeat_interval_secs * 1000
        : parent.repeatIntervalMs,
  };
  const mutes: MuteTest[] = r.mute_windows.map((w, i) =>
    compileMuteWindow(w, `${path}.mute_windows[${i}]`),
  );
  const d = r.decision;
  return {
    path,
    ...own,
    escalate: r.escalate.map((t) => ({ afterMs: t.after_secs * 1000, receivers: t.receivers })),
    digest: r.digest,
    decision: d && {
      type: d.type,
      durationMs: d.duration_secs * 1000,
      factor: d.increment.factor,
      maxMs: d.increment.max_secs * 1000,
      lookbackMs: d.increment.lookback_secs * 1000,
      receivers: d.receivers,
    },
    continue: r.continue,
    children: r.routes.map((c, i) => compileRoute(c, `${path}.${i}`, own)),
    mismatch: compileMatch(r.match),
    mutedBy: (now) => mutes.findIndex((m) => m(now)),
  };
}

/**
 * @example
 * const router = compileRouter(config.alerting);
 * router.match(alert, Date.now()).map((m) => m.route.receivers);
 */
export function compileRouter(cfg: Pick<AlertingConfig, 'route' | 'defaults'>): Router {
  const d = cfg.defaults;
  const root = compileRoute(cfg.route, 'root', {
    receivers: d.receivers,
    groupBy: d.group_by as readonly GroupKeyName[],
    groupWaitMs: d.group_wait_secs * 1000,
    groupIntervalMs: d.group_interval_secs * 1000,
    repeatIntervalMs: d.repeat_interval_secs * 1000,
  });
  const visit = (
    r: CompiledRoute,
    a: Alert,
    now: number,
    out: RouteMatch[],
    trace?: RouteTrace[],
  ): boolean => {
    const why = r.path === 'root' ? undefined : r.mismatch(a);
    trace?.push({ path: r.path, matched: why === undefined, why: why ?? 'matched' });
    if (why !== undefined) return false;
    let childMatched = false;
    for (const c of r.children) {
      if (visit(c, a, now, out, trace)) {
        childMatched = true;
        if (!c.continue) break;
      }
    }
    if (!childMatched) out.push({ route: r, muted: r.mutedBy(now) >= 0 });
    return true;
  };
  return {
    root,
    match(a, now, trace) {
      const out: RouteMatch[] = [];
      visit(root, a, now, out, trace);
      return out;
    },
  };
}

/** The group an alert falls in on a route: the values of the route's group_by keys. */
export function groupValues(r: CompiledRoute, a: Alert): string {
  return r.groupBy
    .map((k) => {
      switch (k) {
        case 'rule':
          return a.rule.name ?? a.rule.id ?? a.rule.title;
        case 'entity':
          return `${a.entity.type}:${a.entity.value}`;
        default:
          return String(a[k] ?? '');
      }
    })
    .join('\u0001');
}
