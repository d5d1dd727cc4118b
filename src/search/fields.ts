/**
 * The fields a query may name, their aliases and kinds. The parser reads this table to resolve
 * aliases and type values; the dashboard reads it for autocompletion; the SQLite compiler maps
 * the canonical names to columns or JSON paths. Names follow the event schema (src/core/event.ts).
 *
 * @example
 * QUERY_FIELDS.find((f) => f.aliases.includes('ip'))?.name; // 'client.address'
 */
import { EVENT_FIELDS } from '../core/event.js';

/**
 * How a field's values are read:
 * - `string`: exact match, wildcards (`*`, `?`), `field:*` for presence;
 * - `number`: exact, comparisons (`>=400`), ranges (`400..499`), status classes (`4xx`);
 * - `time`: comparisons and ranges of RFC 3339 or relative times (`-1h`, `now-7d`);
 * - `address`: IPv4/IPv6 exact, CIDR (`10.0.0.0/8`), wildcards;
 * - `severity`: a level or a comparison between levels (`>=WARN`);
 * - `list`: an array field: matches when one element matches.
 */
export type QueryFieldKind = 'string' | 'number' | 'time' | 'address' | 'severity' | 'list';

export interface QueryField {
  /** Canonical schema name (dotted), as it appears in stored events. */
  readonly name: string;
  readonly aliases: readonly string[];
  readonly kind: QueryFieldKind;
  /** How values are normalized before comparing, matching the core's normalization. */
  readonly fold?: 'upper' | 'lower';
  readonly description: string;
}

/** Short names people type; each resolves to one canonical field. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  'client.address': ['ip', 'src', 'client'],
  'server.address': ['dst', 'server'],
  'user.id': ['user'],
  'user.name': ['username'],
  'event.name': ['name', 'event'],
  'event.category': ['category'],
  'event.action': ['action'],
  'event.outcome': ['outcome'],
  'event.reason': ['reason'],
  'http.response.status_code': ['status'],
  'http.request.method': ['method'],
  'url.path': ['path'],
  'url.query': ['query'],
  'http.route': ['route'],
  'host.name': ['host'],
  'service.name': ['service'],
  'deployment.environment': ['env'],
  'request.id': ['request_id'],
  'user_agent.original': ['ua', 'user_agent'],
  'session.id': ['session'],
  'error.type': ['error'],
  'log.format': ['format'],
  'log.original': ['original'],
  trace_id: ['trace'],
  message: ['msg'],
};

const FOLD: Readonly<Record<string, 'upper' | 'lower'>> = {
  'http.request.method': 'upper',
  'event.outcome': 'lower',
};

function kindOf(name: string, coreKind: string): QueryFieldKind {
  if (name === 'time' || name === 'observed_time') return 'time';
  if (name === 'client.address' || name === 'server.address') return 'address';
  if (name === 'severity') return 'severity';
  if (coreKind === 'number') return 'number';
  if (coreKind === 'string[]') return 'list';
  return 'string';
}

const fromSchema: QueryField[] = EVENT_FIELDS.filter(([, kind]) => kind !== 'object').map(
  ([name, coreKind]) => {
    const fold = FOLD[name];
    return {
      name,
      aliases: ALIASES[name] ?? [],
      kind: kindOf(name, coreKind),
      ...(fold === undefined ? {} : { fold }),
      description: `event field ${name}`,
    };
  },
);

/**
 * Every field a query may name. Besides the schema fields: `source` (the name of the source an
 * event arrived through, as `logwarden sources` lists it) and `after` / `before` (shorthands for
 * `time:>=` and `time:<`). `attributes.KEY` reaches free-form attributes (string kind).
 */
export const QUERY_FIELDS: readonly QueryField[] = [
  ...fromSchema,
  {
    name: 'source',
    aliases: [],
    kind: 'string',
    description: 'name of the source the event arrived through (token, file, syslog sender)',
  },
];

/** Pseudo-fields that are operators on `time`. */
export const TIME_SHORTHANDS: Readonly<Record<string, '>=' | '<'>> = { after: '>=', before: '<' };

const BY_NAME = new Map<string, QueryField>();
for (const f of QUERY_FIELDS) {
  BY_NAME.set(f.name, f);
  for (const a of f.aliases) BY_NAME.set(a, f);
}

const ATTRIBUTE_KEY = /^attributes\.[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Resolve a name or alias as typed in a query; undefined when unknown. */
export function resolveField(typed: string): QueryField | undefined {
  const known = BY_NAME.get(typed);
  if (known !== undefined) return known;
  if (ATTRIBUTE_KEY.test(typed)) {
    return { name: typed, aliases: [], kind: 'string', description: 'free-form attribute' };
  }
  return undefined;
}

/** Kind of a canonical field name as it appears in a parsed tree. */
export function fieldKind(name: string): QueryFieldKind {
  return resolveField(name)?.kind ?? 'string';
}
