/**
 * Batching exporter: bounded in-memory queue -> batches (size or time triggered) -> HTTP with
 * retries (exponential backoff, jitter, Retry-After) -> on-disk spool while the collector is
 * unreachable, replayed oldest-first. Event ids are fixed at `emit`, so a retried batch is
 * deduplicated by the collector instead of stored twice.
 *
 * Ordering: once anything is spooled, new batches go behind it in the spool until the spool is
 * drained, so events reach the collector in the order they were emitted.
 */
import type { SecurityEvent } from '../core/event.js';
import type { EventExporter } from './exporter.js';
import type { HttpSender, SendResult } from './http-sender.js';
import type { Spool } from './spool.js';
import type { DropReason, SdkStats } from './stats.js';
import { createStats } from './stats.js';

export interface BatchExporterOptions {
  sender: HttpSender;
  /** Turns an event into one NDJSON line (redaction + neutralization + JSON); may throw. */
  serialize: (event: SecurityEvent) => string;
  spool: Spool | undefined;
  maxBatch: number;
  maxDelayMs: number;
  maxQueue: number;
  /** Failed attempts of one batch before it goes to the spool. */
  maxAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  flushTimeoutMs: number;
  warn: (kind: string, message: string) => void;
}

type Delivery = { done: true } | { done: false; retryAfterMs: number | undefined };

const exporters = new Set<BatchExporter>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // `beforeExit`: the loop ran dry (our timers are unref'd), there is still time for async I/O.
  process.on('beforeExit', () => {
    for (const e of exporters) e.onBeforeExit();
  });
  // `exit`: last chance, synchronous only: what is still in memory goes to the spool.
  process.on('exit', () => {
    for (const e of exporters) e.onExit();
  });
}

export class BatchExporter implements EventExporter {
  readonly #o: BatchExporterOptions;
  readonly #stats: SdkStats = createStats();
  #queue: SecurityEvent[] = [];
  /** Serialized batch being delivered (kept across retries: same ids, same lines). */
  #pending: string[] | undefined;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #immediate = false;
  #backingOff = false;
  #running: Promise<void> | undefined;
  #again = false;
  #flushing = 0;
  #closing = false;
  #shutdown: Promise<void> | undefined;
  #beforeExitDone = false;
  /** Lines of the spool head already acknowledged in this process (avoids resending them). */
  #replayed: { name: string; count: number } | undefined;

  constructor(options: BatchExporterOptions) {
    this.#o = options;
    if (options.spool?.hasData) this.#schedule(0); // replay what a previous run left behind
    exporters.add(this);
    installExitHook();
  }

  export(event: SecurityEvent): void {
    if (this.#closing) return this.#drop('shutdown', 1);
    if (this.#queue.length >= this.#o.maxQueue) return this.#drop('queue_full', 1);
    this.#queue.push(event);
    if (this.#backingOff) return; // the retry timer picks it up
    if (this.#queue.length >= this.#o.maxBatch) {
      // Deferred: serializing a full batch inside the caller's emit() would put it on the request path.
      if (!this.#immediate) {
        this.#immediate = true;
        setImmediate(() => {
          this.#immediate = false;
          this.#kick();
        });
      }
    } else if (this.#timer === undefined) this.#schedule(this.#o.maxDelayMs);
  }

  stats(): SdkStats {
    const s = this.#stats;
    return {
      ...s,
      queued: this.#queue.length + (this.#pending?.length ?? 0),
      spoolBytes: this.#o.spool?.bytes ?? 0,
      dropped: { ...s.dropped },
    };
  }

  #drop(reason: DropReason, n: number, why?: string): void {
    this.#stats.dropped[reason] += n;
    this.#o.warn(
      `drop:${reason}`,
      `dropped ${n} security event(s): ${reason}${why ? ` (${why})` : ''}; totals in stats().dropped`,
    );
  }

  #error(e: unknown): void {
    this.#stats.errors++;
    this.#stats.lastError = e instanceof Error ? e.message : String(e);
    this.#o.warn(
      'internal',
      `internal error (the application is not affected): ${this.#stats.lastError}`,
    );
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#backingOff = false;
      this.#kick();
    }, ms);
    this.#timer.unref();
  }

  #kick(): void {
    if (this.#backingOff) return; // the retry timer kicks when the backoff is over
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    if (this.#timer !== undefined && !this.#backingOff) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#running = this.#drain()
      .catch((e: unknown) => this.#error(e))
      .finally(() => {
        this.#running = undefined;
        if (this.#again && !this.#backingOff) {
          this.#again = false;
          if (this.#queue.length > 0 || this.#pending !== undefined || this.#o.spool?.hasData)
            this.#kick();
        }
      });
  }

  #take(): string[] {
    const batch = this.#queue.splice(0, this.#o.maxBatch);
    const lines: string[] = [];
    for (const ev of batch) {
      try {
        lines.push(this.#o.serialize(ev));
      } catch (e) {
        this.#error(e);
        this.#drop('rejected', 1, 'could not be serialized');
      }
    }
    return lines;
  }

  /** Moves pending + queued events into the spool (behind what is there). */
  async #spoolMemory(): Promise<void> {
    const spool = this.#o.spool!;
    while (this.#pending !== undefined || this.#queue.length > 0) {
      const lines = this.#pending ?? this.#take();
      this.#pending = undefined;
      if (lines.length === 0) continue;
      if (await spool.append(lines)) this.#stats.spooled += lines.length;
      else this.#drop('spool_full', lines.length, `spool holds ${spool.bytes} bytes`);
    }
  }

  async #drain(): Promise<void> {
    const spool = this.#o.spool;
    for (;;) {
      if (spool?.hasData) {
        await this.#spoolMemory();
        const d = await this.#replayHead(spool);
        if (!d.done) return this.#backoff(d.retryAfterMs);
        continue;
      }
      if (this.#pending === undefined) {
        if (this.#queue.length === 0) return;
        this.#pending = this.#take();
        if (this.#pending.length === 0) {
          this.#pending = undefined;
          continue;
        }
      }
      const d = await this.#deliver(this.#pending);
      if (d.done) {
        this.#pending = undefined;
        this.#attempt = 0;
        continue;
      }
      if (
        spool !== undefined &&
        (this.#attempt + 1 >= this.#o.maxAttempts || this.#flushing > 0 || this.#closing)
      ) {
        await this.#spoolMemory();
      }
      if (this.#closing) return; // shutdown: no more retries; what is left is counted there
      return this.#backoff(d.retryAfterMs);
    }
  }

  async #replayHead(spool: Spool): Promise<Delivery> {
    const seg = await spool.head();
    if (seg === undefined) return { done: true };
    let from = this.#replayed?.name === seg.name ? this.#replayed.count : 0;
    while (from < seg.lines.length) {
      const chunk = seg.lines.slice(from, from + this.#o.maxBatch);
      const d = await this.#deliver(chunk);
      if (!d.done) return d;
      from += chunk.length;
      this.#stats.replayed += chunk.length;
      this.#replayed = { name: seg.name, count: from };
    }
    await spool.remove(seg.name);
    this.#replayed = undefined;
    this.#attempt = 0;
    return { done: true };
  }

  #backoff(retryAfterMs: number | undefined): void {
    this.#attempt++;
    // Exponential with "equal jitter": half fixed, half random, so many apps restarting together spread out.
    const cap = Math.min(
      this.#o.backoffMaxMs,
      this.#o.backoffInitialMs * 2 ** Math.min(this.#attempt - 1, 20),
    );
    const delay = Math.max(retryAfterMs ?? 0, cap / 2 + Math.random() * (cap / 2));
    this.#backingOff = true;
    this.#schedule(delay);
  }

  async #deliver(lines: string[]): Promise<Delivery> {
    let r: SendResult;
    try {
      r = await this.#o.sender.send(lines);
    } catch (e) {
      this.#error(e);
      r = {
        kind: 'retry',
        reason: (e as Error).message,
        retryAfterMs: undefined,
        status: undefined,
      };
    }
    switch (r.kind) {
      case 'ok': {
        this.#stats.sent += r.accepted + r.duplicates;
        this.#stats.duplicates += r.duplicates;
        if (r.errors.length > 0) {
          const first = r.errors[0]!;
          this.#drop(
            'rejected',
            r.errors.length,
            `collector: item ${first.index}${first.field ? ` ${first.field}` : ''}: ${first.reason}`,
          );
        }
        return { done: true };
      }
      case 'too_large': {
        if (lines.length === 1) {
          this.#drop('rejected', 1, r.reason);
          return { done: true };
        }
        const half = Math.ceil(lines.length / 2);
        const a = await this.#deliver(lines.slice(0, half));
        if (!a.done) return a;
        return this.#deliver(lines.slice(half));
      }
      case 'reject':
        this.#drop('rejected', lines.length, r.reason);
        return { done: true };
      case 'retry':
        this.#stats.retries++;
        this.#stats.lastError = r.reason;
        this.#o.warn(
          'retry',
          `collector unavailable (${r.reason}); retrying${this.#o.spool ? ', spooling to disk meanwhile' : ''}`,
        );
        return { done: false, retryAfterMs: r.retryAfterMs };
    }
  }

  async flush(timeoutMs = this.#o.flushTimeoutMs): Promise<void> {
    this.#flushing++;
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        const inMemory = this.#queue.length > 0 || this.#pending !== undefined;
        if (!inMemory && this.#running === undefined) return;
        if (Date.now() >= deadline) return;
        if (this.#running === undefined) {
          if (this.#backingOff && this.#o.spool !== undefined)
            await this.#spoolMemory().catch((e: unknown) => this.#error(e));
          else if (!this.#backingOff) this.#kick();
        }
        const wait = Math.min(50, Math.max(1, deadline - Date.now()));
        await Promise.race([
          this.#running ?? Promise.resolve(),
          new Promise((r) => setTimeout(r, wait)),
        ]);
        if (this.#running === undefined && this.#backingOff && this.#o.spool === undefined) {
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    } catch (e) {
      this.#error(e);
    } finally {
      this.#flushing--;
    }
  }

  shutdown(timeoutMs = this.#o.flushTimeoutMs): Promise<void> {
    this.#shutdown ??= (async () => {
      try {
        await this.flush(timeoutMs);
        this.#closing = true;
        if (this.#running !== undefined) await this.#running;
        if (this.#o.spool !== undefined) await this.#spoolMemory();
        const left = this.#queue.length + (this.#pending?.length ?? 0);
        this.#queue = [];
        this.#pending = undefined;
        if (left > 0)
          this.#drop('shutdown', left, 'collector unreachable at shutdown and no spool configured');
      } catch (e) {
        this.#error(e);
      } finally {
        if (this.#timer !== undefined) clearTimeout(this.#timer);
        this.#timer = undefined;
        this.#o.sender.close();
        this.#o.spool?.close();
        exporters.delete(this);
      }
    })();
    return this.#shutdown;
  }

  /** @internal process hook */
  onBeforeExit(): void {
    if (this.#beforeExitDone || this.#closing) return;
    if (this.#queue.length === 0 && this.#pending === undefined) return;
    this.#beforeExitDone = true;
    void this.flush();
  }

  /** @internal process hook: synchronous, best effort. */
  onExit(): void {
    if (this.#shutdown !== undefined && this.#closing) return;
    const spool = this.#o.spool;
    try {
      const lines = [...(this.#pending ?? [])];
      for (const e of this.#queue) {
        try {
          lines.push(this.#o.serialize(e));
        } catch {
          this.#stats.dropped.rejected++;
        }
      }
      this.#pending = undefined;
      this.#queue = [];
      if (lines.length === 0) return;
      if (spool !== undefined && spool.appendSync(lines)) this.#stats.spooled += lines.length;
      else this.#stats.dropped[spool ? 'spool_full' : 'shutdown'] += lines.length;
    } catch {
      // nothing more can be done while the process exits
    } finally {
      spool?.close();
    }
  }
}
