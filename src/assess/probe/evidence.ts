/**
 * Where the probe looks for its canaries: the logwarden read API (`GET /v1/events`, paged) or a
 * log file the operator names (parsed with the same parsers as `scan`). Both return flat event
 * objects; a file's events keep `log.original`, so a canary anywhere in the line is found.
 */
import { readFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { LogwardenError } from '../../core/errors.js';
import { FORMAT_SAMPLE_LINES, createLineParser } from '../../parsers/index.js';
import { isLoopbackHost } from './plan.js';

export type FlatEvent = Record<string, unknown>;

export interface EvidenceSource {
  readonly describe: string;
  /** Events visible now that may belong to the probe (bounded). */
  read(): Promise<FlatEvent[]>;
  /** Alerts from the server, or undefined when it has no alerts API. */
  alerts(): Promise<FlatEvent[] | undefined>;
}

const MAX_EVENTS = 50_000;
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Read events through the logwarden API since `sinceMs` (event time, with a minute of slack). */
export function apiSource(base: string, token: string, sinceMs: () => number): EvidenceSource {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new LogwardenError('LW_USAGE', `--logwarden ${JSON.stringify(base)} is not a URL`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw new LogwardenError(
      'LW_USAGE',
      `--logwarden ${url.origin}: refusing to send the token over plain http to a non-loopback host (use https)`,
    );
  const origin = url.origin + url.pathname.replace(/\/$/, '');
  const get = async (path: string): Promise<Response> => {
    const res = await fetch(origin + path, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 401 || res.status === 403)
      throw new LogwardenError(
        'LW_AUTH_INVALID',
        `--logwarden ${origin}: the token was refused (${res.status}); it needs the read scope`,
      );
    return res;
  };
  return {
    describe: `api ${origin}`,
    async read() {
      const after = new Date(sinceMs() - 60_000).toISOString();
      const out: FlatEvent[] = [];
      let cursor: string | null = null;
      do {
        const q = new URLSearchParams({ after, limit: '1000', ...(cursor ? { cursor } : {}) });
        const res = await get(`/v1/events?${q}`);
        if (!res.ok)
          throw new LogwardenError(
            'LW_UNAVAILABLE',
            `--logwarden ${origin}: GET /v1/events answered ${res.status}: ${(await res.text()).slice(0, 200)}`,
          );
        // Each item is {seq, source, event: <stored body>} (or {id, pruned: true}).
        const body = (await res.json()) as {
          events: Array<{ event?: FlatEvent }>;
          next_cursor: string | null;
        };
        for (const e of body.events) if (e.event) out.push(e.event);
        cursor = body.next_cursor;
      } while (cursor !== null && out.length < MAX_EVENTS);
      return out;
    },
    async alerts() {
      // Newest first; the probe's alerts are among the most recent 1000.
      const res = await get(`/v1/alerts?limit=1000`);
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      if (!res.ok) return undefined;
      const body = (await res.json()) as { alerts?: FlatEvent[] };
      return Array.isArray(body.alerts) ? body.alerts : undefined;
    },
  };
}

/** Read the tail of a log file (the last 64 MiB) and parse each line. */
export function fileSource(path: string): EvidenceSource {
  try {
    if (!statSync(path).isFile()) throw new Error('not a regular file');
  } catch (e) {
    throw new LogwardenError(
      'LW_INPUT_NOT_FOUND',
      `--log-file ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { cause: e },
    );
  }
  return {
    describe: `file ${path}`,
    async read() {
      const size = statSync(path).size;
      let text: string;
      if (size <= MAX_FILE_BYTES) text = readFileSync(path, 'utf8');
      else {
        const fd = openSync(path, 'r');
        try {
          const buf = Buffer.alloc(MAX_FILE_BYTES);
          readSync(fd, buf, 0, MAX_FILE_BYTES, size - MAX_FILE_BYTES);
          text = buf.toString('utf8');
          text = text.slice(text.indexOf('\n') + 1);
        } finally {
          closeSync(fd);
        }
      }
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      const parser = createLineParser('auto', { sample: lines.slice(0, FORMAT_SAMPLE_LINES) });
      return lines.slice(-MAX_EVENTS).map((l, i) => ({
        ...parser.parse(l, { now: Date.now(), source: `file:${path}` }),
        id: `line:${i + 1}`,
      }));
    },
    alerts: async () => undefined,
  };
}
