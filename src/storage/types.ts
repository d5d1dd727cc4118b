/**
 * The store interface. Every backend (SQLite now; PostgreSQL later) implements it and passes the
 * contract suite in test/contract/store.contract.ts. Events are kept as the exact UTF-8 bytes that
 * the ledger hashes (ARCHITECTURE §4): a backend never re-serializes a stored body.
 */
import type { SecurityEvent } from '../core/event.js';
import type { QueryNode } from '../search/ast.js';

/** An event ready to be stored: validated, normalized, redacted, and serialized once. */
export interface PreparedEvent {
  readonly event: SecurityEvent;
  /** Canonical JSON of `event`: these exact bytes are stored and hashed. */
  readonly body: string;
  /** Name of the source it arrived through (token name, file path, syslog sender...). */
  readonly source: string;
}

export interface AppendResult {
  readonly id: string;
  /** Ledger position of the stored event; for a duplicate, the position of the original. */
  readonly seq: number;
  /** True when an event with this id was already stored (idempotent: stored once). */
  readonly duplicate: boolean;
}

/** One stored event as read back. `seq` is 0-based and strictly increasing without gaps. */
export interface StoredEvent {
  readonly seq: number;
  readonly id: string;
  /** Event time, milliseconds since the epoch (UTC). */
  readonly timeMs: number;
  readonly name: string;
  readonly source: string;
  /** Exact stored bytes, or null when retention pruned the body (the leaf hash stays). */
  readonly body: string | null;
  /** RFC 6962 leaf hash SHA-256(0x00 || body), 32 bytes. */
  readonly leafHash: Buffer;
}

export interface SourceStats {
  readonly source: string;
  /** Wall-clock time (ms) of the first commit that stored an event from this source. */
  readonly firstSeenMs: number;
  /** Wall-clock time (ms) of the latest such commit: what silence detection watches. */
  readonly lastSeenMs: number;
  /** Events stored (duplicates not counted). */
  readonly events: number;
  /** Events that are not `unparsed`. */
  readonly parsed: number;
  /** `log` events whose `log.format` is absent or 'unparsed': lines no parser understood. */
  readonly unparsed: number;
}

/** A search: the parsed query language (src/search) plus time bounds and a cursor. */
export interface EventQuery {
  /** Parsed query; each backend compiles it to its own terms. Absent = everything. */
  readonly filter?: QueryNode;
  /** Event time lower bound, inclusive (ms since the epoch). */
  readonly fromMs?: number;
  /** Event time upper bound, exclusive. */
  readonly toMs?: number;
  /** Cursor: return events with seq strictly below this one (newest first paging). */
  readonly beforeSeq?: number;
  readonly limit: number;
}

export interface EventStore {
  /**
   * Store a batch durably. Resolves only after the events are committed (group commit:
   * concurrent calls share one transaction and one fsync). Duplicated ids are not stored twice.
   * A call is atomic: if one of its events is unusable (no id, bad time, body not JSON) the call
   * rejects with LW_EVENT_INVALID naming the event's index, nothing of it is stored, and other
   * calls are unaffected. Database failures reject with LW_STORE_FAILED naming the file.
   */
  append(events: readonly PreparedEvent[]): Promise<AppendResult[]>;
  /** Number of ledger positions assigned so far (next seq). */
  size(): number;
  getById(id: string): StoredEvent | undefined;
  getBySeq(seq: number): StoredEvent | undefined;
  /** Events with seq in [from, to), in order; pruned ones come back with body null. */
  range(fromSeq: number, toSeq: number): StoredEvent[];
  /** Newest first (by seq); pruned events are not returned. */
  query(q: EventQuery): StoredEvent[];
  sources(): SourceStats[];
  /**
   * Remove bodies (and the personal data kept beside them) of events older than the cut-off for
   * their category; seq, id and leaf hash stay. Works in small transactions, yielding between
   * them so appends keep committing; resolves to the number of events pruned.
   */
  prune(policy: RetentionPolicy, nowMs: number): Promise<number>;
  /** What is waiting to be written, for a stop that gives up (logged; optional). */
  pendingWrites?(): { calls: number; statements: number; committing: boolean };
  /** Flush pending writes and close. Safe to call twice. */
  close(): Promise<void>;
}

export interface RetentionPolicy {
  /** Days to keep bodies per `event.category`; `default` applies to the rest. */
  readonly days: Readonly<Record<string, number>> & { readonly default: number };
}
