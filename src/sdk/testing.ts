/**
 * `logwarden/testing`: assert in your own tests which security events your code emits. The
 * in-memory exporter applies the same redaction and neutralization as real delivery, so a test
 * also proves that a password never leaves the process.
 *
 * @example
 * import { createTestSecurityLogger } from 'logwarden/testing';
 * const { logger, events } = createTestSecurityLogger({ service: 'shop' });
 * await login(logger, 'alice', 'wrong');
 * events.expectEvent('authn_login_fail', { 'user.id': 'alice' });
 */
import type { SecurityEvent } from '../core/event.js';
import { createRedactor } from '../core/redact.js';
import type { EventExporter } from './exporter.js';
import type { SecurityLogger } from './logger.js';
import { createSecurityLogger } from './logger.js';
import type { SecurityLoggerOptions } from './options.js';
import { createEventPreparer } from './outgoing.js';
import type { EventPreparer } from './outgoing.js';
import type { SdkStats } from './stats.js';
import { createStats } from './stats.js';

/** Field/value pairs an event must carry (exact equality; RegExp tests strings). */
export type EventMatcher = Partial<Record<keyof SecurityEvent | `attributes.${string}`, unknown>>;

function fieldOf(ev: SecurityEvent, key: string): unknown {
  if (key.startsWith('attributes.')) return ev.attributes?.[key.slice('attributes.'.length)];
  return (ev as unknown as Record<string, unknown>)[key];
}

function matches(
  ev: SecurityEvent,
  name: string | undefined,
  m: EventMatcher | undefined,
): boolean {
  if (name !== undefined && ev['event.name'] !== name) return false;
  if (m === undefined) return true;
  for (const [k, want] of Object.entries(m)) {
    const got = fieldOf(ev, k);
    if (want instanceof RegExp) {
      if (typeof got !== 'string' || !want.test(got)) return false;
    } else if (JSON.stringify(got) !== JSON.stringify(want)) return false;
  }
  return true;
}

/** The events an in-memory exporter captured, with finders and assertions. */
export class InMemoryExporter implements EventExporter {
  readonly #prepare: EventPreparer;
  readonly #events: SecurityEvent[] = [];
  #stats: SdkStats = createStats();
  #closed = false;

  constructor(prepare: EventPreparer = createEventPreparer(createRedactor())) {
    this.#prepare = prepare;
  }

  export(event: SecurityEvent): void {
    if (this.#closed) {
      this.#stats.dropped.shutdown++;
      return;
    }
    const prepared = this.#prepare(event);
    // Drop undefined keys so assertions and snapshots see what the collector would receive.
    this.#events.push(JSON.parse(JSON.stringify(prepared)) as SecurityEvent);
    this.#stats.sent++;
  }

  async flush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.#closed = true;
  }

  stats(): SdkStats {
    return { ...this.#stats, dropped: { ...this.#stats.dropped } };
  }

  /** Every captured event, oldest first (a copy). */
  get all(): SecurityEvent[] {
    return [...this.#events];
  }

  /** Events named `name` (all when undefined) that carry every field in `match`. */
  find(name?: string, match?: EventMatcher): SecurityEvent[] {
    return this.#events.filter((e) => matches(e, name, match));
  }

  /** The event names in emission order (handy for sequence assertions). */
  names(): string[] {
    return this.#events.map((e) => e['event.name']);
  }

  /**
   * Throws (an AssertionError-like Error listing what was captured) unless exactly `count`
   * matching events were emitted (at least one when count is omitted). Returns the first match.
   */
  expectEvent(name: string, match?: EventMatcher, count?: number): SecurityEvent {
    const found = this.find(name, match);
    if (count === undefined ? found.length === 0 : found.length !== count) {
      const seen =
        this.#events.map((e) => `  ${e['event.name']} ${JSON.stringify(e)}`).join('\n') ||
        '  (none)';
      throw new Error(
        `expected ${count ?? 'at least 1'} ${name} event(s)${match ? ` matching ${JSON.stringify(match, (_k, v: unknown) => (v instanceof RegExp ? String(v) : v))}` : ''}, found ${found.length}; captured:\n${seen}`,
      );
    }
    return found[0]!;
  }

  /** Throws unless no event named `name` (matching `match`) was emitted. */
  expectNoEvent(name: string, match?: EventMatcher): void {
    const found = this.find(name, match);
    if (found.length > 0)
      throw new Error(
        `expected no ${name} event, found ${found.length}: ${JSON.stringify(found[0])}`,
      );
  }

  clear(): void {
    this.#events.length = 0;
  }
}

/**
 * A logger wired to an in-memory exporter (no network, no disk).
 *
 * @example
 * const { logger, events } = createTestSecurityLogger();
 * logger.emit('authz_fail', { userid: 'bob', resource: '/admin' });
 * events.expectEvent('authz_fail', { 'user.id': 'bob', 'attributes.resource': '/admin' });
 */
export function createTestSecurityLogger(
  options: Partial<Omit<SecurityLoggerOptions, 'exporter' | 'endpoint' | 'token'>> = {},
): { logger: SecurityLogger; events: InMemoryExporter } {
  const events = new InMemoryExporter(createEventPreparer(createRedactor(options.redaction ?? {})));
  const logger = createSecurityLogger({ service: 'test', ...options, exporter: events });
  return { logger, events };
}
