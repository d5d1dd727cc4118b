/**
 * Which of our events a Sigma `logsource` applies to (data table) and the accessor that reads
 * Sigma field names from our events. A rule's logsource matches a row when every key the rule
 * sets (category, product, service) equals the row's; a rule whose logsource matches no row
 * never runs (counted as inactive, e.g. `category: process_creation`, which no source of ours
 * produces yet).
 *
 * @example
 * bindingsFor({ product: 'linux', service: 'sshd' })[0].taxonomy // 'linux'
 */
import { EVENT_FIELD_KIND } from '../../core/event.js';
import { FIELD_MAPPINGS, KEYWORD_FIELDS, PROGRAM_FIELDS } from './field-mappings.js';
import type { FieldMapping, Taxonomy } from './field-mappings.js';
import type { FieldAccessor } from './event-view.js';
import type { SigmaLogsource } from './types.js';

export type EventRecord = Readonly<Record<string, unknown>>;

/** How a row recognises events: every given list must contain the event's value. */
export interface EventFilter {
  readonly eventNames?: readonly string[];
  /** Lowercase syslog program names (see PROGRAM_FIELDS); `log.format` equal to one also counts. */
  readonly programs?: readonly string[];
  /** Any event whose `log.format` is one of these. */
  readonly formats?: readonly string[];
  /** Any event whose `event.category` is one of these (OWASP vocabulary categories). */
  readonly categories?: readonly string[];
}

export interface LogsourceBinding {
  readonly logsource: SigmaLogsource;
  readonly filter: EventFilter;
  readonly taxonomy: Taxonomy;
}

const SYSLOG_FORMATS = ['syslog', 'sshd', 'rfc3164', 'rfc5424', 'journald', 'auth'];
const AUTH_PROGRAMS = [
  'sshd',
  'sudo',
  'su',
  'login',
  'passwd',
  'chpasswd',
  'useradd',
  'userdel',
  'usermod',
  'groupadd',
  'groupdel',
  'gpasswd',
  'pkexec',
  'polkitd',
  'systemd-logind',
  'cron',
  'crond',
  'unix_chkpwd',
  'chage',
];

export const LOGSOURCE_TABLE: readonly LogsourceBinding[] = [
  {
    logsource: { category: 'webserver' },
    filter: { eventNames: ['http_request'] },
    taxonomy: 'webserver',
  },
  { logsource: { category: 'proxy' }, filter: { eventNames: ['http_request'] }, taxonomy: 'proxy' },
  {
    logsource: { product: 'linux', service: 'sshd' },
    filter: { programs: ['sshd'] },
    taxonomy: 'linux',
  },
  {
    logsource: { product: 'linux', service: 'auth' },
    filter: { programs: AUTH_PROGRAMS },
    taxonomy: 'linux',
  },
  {
    logsource: { product: 'linux', service: 'sudo' },
    filter: { programs: ['sudo'] },
    taxonomy: 'linux',
  },
  {
    logsource: { product: 'linux', service: 'cron' },
    filter: { programs: ['cron', 'crond', 'anacron'] },
    taxonomy: 'linux',
  },
  {
    logsource: { product: 'linux', service: 'vsftpd' },
    filter: { programs: ['vsftpd'] },
    taxonomy: 'linux',
  },
  {
    logsource: { product: 'linux', service: 'clamav' },
    filter: { programs: ['clamd', 'freshclam', 'clamav', 'clamscan'] },
    taxonomy: 'linux',
  },
  {
    logsource: { product: 'linux', service: 'guacamole' },
    filter: { programs: ['guacd', 'guacamole'] },
    taxonomy: 'linux',
  },
  {
    logsource: { product: 'linux', service: 'syslog' },
    filter: { formats: SYSLOG_FORMATS },
    taxonomy: 'linux',
  },
  // Rules written against our own schema: `logsource: { product: logwarden }` sees every event,
  // `{ product: logwarden, category: authn }` the events of one OWASP vocabulary category.
  { logsource: { product: 'logwarden' }, filter: {}, taxonomy: 'logwarden' },
  ...[
    'authn',
    'authz',
    'crypt',
    'excess',
    'upload',
    'input',
    'malicious',
    'privilege',
    'data',
    'sequence',
    'session',
    'sys',
    'user',
    'http',
    'log',
  ].map((category): LogsourceBinding => ({
    logsource: { product: 'logwarden', category },
    filter: { categories: [category] },
    taxonomy: 'logwarden',
  })),
];

/** Rows of the table a rule's logsource selects. */
export function bindingsFor(
  ls: SigmaLogsource,
  table: readonly LogsourceBinding[] = LOGSOURCE_TABLE,
): LogsourceBinding[] {
  const keys = (['category', 'product', 'service'] as const).filter((k) => ls[k] !== undefined);
  if (keys.length === 0) return [];
  return table.filter((row) =>
    keys.every((k) => row.logsource[k]?.toLowerCase() === ls[k]!.toLowerCase()),
  );
}

/** Compile an EventFilter to a predicate. */
export function compileFilter(f: EventFilter): (e: EventRecord) => boolean {
  const names = f.eventNames ? new Set(f.eventNames) : undefined;
  const programs = f.programs ? new Set(f.programs) : undefined;
  const formats = f.formats ? new Set(f.formats) : undefined;
  const categories = f.categories ? new Set(f.categories) : undefined;
  return (e) => {
    if (categories && !categories.has(e['event.category'] as string)) return false;
    if (names && !names.has(e['event.name'] as string)) return false;
    if (formats && !formats.has(e['log.format'] as string)) return false;
    if (programs) {
      const p = programOf(e);
      if (p === undefined || !programs.has(p)) return false;
    }
    return true;
  };
}

const PROGRAM_READERS = PROGRAM_FIELDS.map(pathReader);

// The last program name seen and its lowercase form: consecutive events mostly share it.
let lastProgram = '';
let lastProgramLower = '';

export function programOf(e: EventRecord): string | undefined {
  for (const read of PROGRAM_READERS) {
    const v = read(e);
    if (typeof v === 'string' && v !== '') {
      if (v !== lastProgram) {
        lastProgram = v;
        lastProgramLower = v.toLowerCase();
      }
      return lastProgramLower;
    }
  }
  const fmt = e['log.format'];
  return fmt === 'sshd' ? 'sshd' : undefined;
}

/** Read `a.b` (a top-level dotted key) or `attributes.x` (a key inside attributes). */
export function readPath(e: EventRecord, path: string): unknown {
  const direct = e[path];
  if (direct !== undefined) return direct;
  if (path.startsWith('attributes.')) {
    const attrs = e['attributes'];
    if (attrs !== null && typeof attrs === 'object')
      return (attrs as Record<string, unknown>)[path.slice(11)];
  }
  return undefined;
}

/** readPath(e, path) with the path resolved once (no string slicing per read). */
export function pathReader(path: string): (e: EventRecord) => unknown {
  if (!path.startsWith('attributes.')) return (e) => e[path];
  const sub = path.slice(11);
  return (e) => {
    const direct = e[path];
    if (direct !== undefined) return direct;
    const attrs = e['attributes'];
    return attrs !== null && typeof attrs === 'object'
      ? (attrs as Record<string, unknown>)[sub]
      : undefined;
  };
}

function derived(e: EventRecord, name: string): unknown {
  switch (name) {
    case '@uri':
    case '@uri-if-no-original': {
      if (name === '@uri-if-no-original' && e['log.original'] !== undefined) return undefined;
      const p = e['url.path'];
      const q = e['url.query'];
      if (p === undefined && q === undefined) return undefined;
      return q === undefined || q === '' ? String(p ?? '') : `${String(p ?? '')}?${String(q)}`;
    }
    case '@extension': {
      const p = e['url.path'];
      if (typeof p !== 'string') return undefined;
      const last = p.slice(p.lastIndexOf('/') + 1);
      const dot = last.lastIndexOf('.');
      return dot < 0 ? '' : last.slice(dot + 1);
    }
    case '@program':
      return programOf(e);
    default:
      return undefined;
  }
}

/**
 * An accessor factory for one taxonomy: Sigma field → value on our event. The mapping is
 * resolved once per (taxonomy, field) into a small reader, cached.
 */
export function createAccessorFactory(
  taxonomy: Taxonomy,
  overrides: FieldMapping = {},
): (event: EventRecord) => FieldAccessor {
  const readerFor = createFieldReaders(taxonomy, overrides);
  return (event) => (field) => readerFor(field)(event);
}

/** The reader of each Sigma field in one taxonomy (resolved on first use, cached). */
export function createFieldReaders(
  taxonomy: Taxonomy,
  overrides: FieldMapping = {},
): (field: string) => (e: EventRecord) => unknown {
  const mapping: FieldMapping = { ...FIELD_MAPPINGS[taxonomy], ...overrides };
  const readers = new Map<string, (e: EventRecord) => unknown>();
  const readerFor = (field: string): ((e: EventRecord) => unknown) => {
    let r = readers.get(field);
    if (r) return r;
    const sources = mapping[field] ?? defaultSources(field);
    const parts = sources.map((s) =>
      s.startsWith('@') ? (e: EventRecord) => derived(e, s) : pathReader(s),
    );
    r =
      parts.length === 1
        ? parts[0]!
        : (e) => {
            for (const p of parts) {
              const v = p(e);
              if (v !== undefined && v !== null) return v;
            }
            return undefined;
          };
    readers.set(field, r);
    return r;
  };
  return readerFor;
}

/** The canonical source of a Sigma field in a taxonomy: fields with equal keys read the same text. */
export function sourceKeyFactory(
  taxonomy: Taxonomy,
  overrides: FieldMapping = {},
): (field: string) => string {
  const mapping: FieldMapping = { ...FIELD_MAPPINGS[taxonomy], ...overrides };
  return (field) => JSON.stringify(mapping[field] ?? defaultSources(field));
}

/**
 * An unmapped Sigma field is read as-is, then from `attributes`; a field of our core schema is
 * read as-is only (the schema keeps core fields out of attributes), so `user_agent.original`
 * named directly and `cs-user-agent` mapped to it are the same source, scanned once.
 */
function defaultSources(field: string): readonly string[] {
  return EVENT_FIELD_KIND.has(field) ? [field] : [field, `attributes.${field}`];
}

export function keywordFieldsFor(
  taxonomy: Taxonomy,
  configured?: readonly string[],
): readonly string[] {
  return configured ?? KEYWORD_FIELDS[taxonomy];
}
