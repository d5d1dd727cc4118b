/**
 * One delivery attempt of a batch to the collector's ingest API (`POST /v1/events`, NDJSON,
 * gzip, bearer token) and the classification of its answer. Retrying is the exporter's job;
 * this file only says what happened.
 */
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';

const gzip = promisify(gzipCb);

/** Bodies below this size are sent uncompressed: gzip's fixed cost outweighs the saving. */
const GZIP_MIN_BYTES = 1024;
/** A Retry-After longer than this is capped: the spool, not a sleeping timer, bridges long outages. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

export interface ItemError {
  index: number;
  field?: string;
  reason: string;
}

export type SendResult =
  | { kind: 'ok'; accepted: number; duplicates: number; errors: ItemError[] }
  | { kind: 'retry'; reason: string; retryAfterMs: number | undefined; status: number | undefined }
  | { kind: 'too_large'; reason: string }
  | { kind: 'reject'; reason: string; status: number };

export interface HttpSenderOptions {
  url: URL;
  token: string;
  gzip: boolean;
  timeoutMs: number;
  userAgent: string;
}

export interface HttpSender {
  send(lines: readonly string[]): Promise<SendResult>;
  close(): void;
}

/** Parses `Retry-After` (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const t = Date.parse(v);
    if (Number.isNaN(t)) return undefined;
    ms = Math.max(0, t - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

function parseAnswer(
  text: string,
  count: number,
): { accepted: number; duplicates: number; errors: ItemError[] } {
  try {
    const j = JSON.parse(text) as { accepted?: unknown; duplicates?: unknown; errors?: unknown };
    const errors: ItemError[] = [];
    if (Array.isArray(j.errors)) {
      for (const e of j.errors as Array<Record<string, unknown>>) {
        if (e !== null && typeof e === 'object' && typeof e.index === 'number') {
          errors.push({
            index: e.index,
            ...(typeof e.field === 'string' ? { field: e.field } : {}),
            reason: typeof e.reason === 'string' ? e.reason : 'rejected',
          });
        }
      }
    }
    const duplicates = typeof j.duplicates === 'number' ? j.duplicates : 0;
    const accepted =
      typeof j.accepted === 'number' ? j.accepted : count - errors.length - duplicates;
    return { accepted, duplicates, errors };
  } catch {
    // A 2xx without a readable body still means "stored".
    return { accepted: count, duplicates: 0, errors: [] };
  }
}

/**
 * @example
 * const sender = createHttpSender({ url: new URL('http://127.0.0.1:8080/v1/events'), token, gzip: true, timeoutMs: 10_000, userAgent: 'logwarden-sdk' });
 * const r = await sender.send([JSON.stringify(event)]);
 */
export function createHttpSender(opts: HttpSenderOptions): HttpSender {
  const isHttps = opts.url.protocol === 'https:';
  const agent = isHttps
    ? new https.Agent({ keepAlive: true, maxSockets: 2 })
    : new http.Agent({ keepAlive: true, maxSockets: 2 });
  const request = isHttps ? https.request : http.request;

  async function send(lines: readonly string[]): Promise<SendResult> {
    // The trailing newline joins in as an empty last element: `join(...) + '\n'` would make a
    // cons string that Buffer.from flattens into one more copy of the whole batch (about a
    // quarter of this step's CPU in bench/sdk-emit.mjs, "emit + delivery").
    let body: Buffer = Buffer.from([...lines, ''].join('\n'));
    const headers: Record<string, string> = {
      'content-type': 'application/x-ndjson',
      authorization: `Bearer ${opts.token}`,
      'user-agent': opts.userAgent,
    };
    if (opts.gzip && body.length >= GZIP_MIN_BYTES) {
      // zlib.gzip runs on the libuv pool: compression never blocks the app's event loop.
      // Level 1: NDJSON of similar events still shrinks several-fold, at a fraction of level 6's
      // CPU (bench/sdk-emit.mjs, "emit + delivery").
      body = await gzip(body, { level: 1 });
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(body.length);
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const done = (r: SendResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const req = request(opts.url, { method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 1 << 20) chunks.push(c);
        });
        res.on('error', (e) =>
          done({ kind: 'retry', reason: e.message, retryAfterMs: undefined, status: undefined }),
        );
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          const ra = res.headers['retry-after'];
          if (status >= 200 && status < 300)
            done({ kind: 'ok', ...parseAnswer(text, lines.length) });
          else if (status === 413)
            done({ kind: 'too_large', reason: `HTTP 413 ${text.slice(0, 200)}` });
          else if (
            status === 408 ||
            status === 429 ||
            status >= 500 ||
            status === 401 ||
            status === 403
          ) {
            // 401/403: a revoked or mistyped token is fixed on the server side; keep the events.
            done({
              kind: 'retry',
              reason: `HTTP ${status} ${text.slice(0, 200)}`,
              retryAfterMs: parseRetryAfter(Array.isArray(ra) ? ra[0] : ra),
              status,
            });
          } else done({ kind: 'reject', reason: `HTTP ${status} ${text.slice(0, 200)}`, status });
        });
      });
      const timer = setTimeout(() => {
        req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      timer.unref();
      req.on('error', (e) =>
        done({ kind: 'retry', reason: e.message, retryAfterMs: undefined, status: undefined }),
      );
      req.end(body);
    });
  }

  return {
    send,
    close: () => agent.destroy(),
  };
}
