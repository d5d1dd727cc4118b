/**
 * A small but real collector for SDK tests: a node:http server on 127.0.0.1 speaking the ingest
 * protocol of `POST /v1/events` (NDJSON or JSON array, gzip, bearer token, per-item errors,
 * dedup by id). Its failure modes (500s, 429 + Retry-After, slow answers, down) are switched at
 * run time. The end-to-end suites use the real `logwarden serve`; this one isolates the exporter.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type CollectorMode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'slow'; delayMs: number };

export interface TestCollector {
  readonly url: string;
  port: number;
  /** Stored events by id (each stored once). */
  readonly events: Map<string, Record<string, unknown>>;
  /** Ids in arrival order, duplicates included. */
  readonly arrivals: string[];
  requests: number;
  gzipped: number;
  mode: CollectorMode;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startTestCollector(token: string, port = 0): Promise<TestCollector> {
  const events = new Map<string, Record<string, unknown>>();
  const arrivals: string[] = [];
  const sockets = new Set<Socket>();
  let server: http.Server | undefined;
  const c: TestCollector = {
    url: '',
    port,
    events,
    arrivals,
    requests: 0,
    gzipped: 0,
    mode: { kind: 'ok' },
    async stop() {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((r) => s.close(() => r()));
    },
    async start() {
      const s = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (b: Buffer) => chunks.push(b));
        req.on('end', () => {
          c.requests++;
          const answer = (
            status: number,
            body: unknown,
            headers: Record<string, string> = {},
          ): void => {
            res.writeHead(status, { 'content-type': 'application/json', ...headers });
            res.end(JSON.stringify(body));
          };
          if (req.headers.authorization !== `Bearer ${token}`)
            return answer(401, { error: 'bad token' });
          const mode = c.mode;
          if (mode.kind === 'status') {
            return answer(
              mode.status,
              { error: 'test mode' },
              mode.retryAfter ? { 'retry-after': mode.retryAfter } : {},
            );
          }
          const finish = (): void => {
            let raw = Buffer.concat(chunks);
            if (req.headers['content-encoding'] === 'gzip') {
              c.gzipped++;
              raw = gunzipSync(raw);
            }
            const text = raw.toString('utf8');
            const items = text.trimStart().startsWith('[')
              ? (JSON.parse(text) as unknown[])
              : text
                  .split('\n')
                  .filter((l) => l !== '')
                  .map((l) => {
                    try {
                      return JSON.parse(l) as unknown;
                    } catch {
                      return undefined;
                    }
                  });
            let accepted = 0;
            let duplicates = 0;
            const errors: Array<{ index: number; field: string; reason: string }> = [];
            items.forEach((it, index) => {
              const ev = it as Record<string, unknown> | undefined;
              if (ev === undefined || typeof ev.id !== 'string') {
                errors.push({ index, field: 'id', reason: 'missing' });
                return;
              }
              arrivals.push(ev.id);
              if (events.has(ev.id)) duplicates++;
              else {
                events.set(ev.id, ev);
                accepted++;
              }
            });
            answer(200, { accepted, duplicates, rejected: errors.length, errors });
          };
          if (mode.kind === 'slow') setTimeout(finish, mode.delayMs);
          else finish();
        });
      });
      s.on('connection', (sock) => {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
      });
      await new Promise<void>((r) => s.listen(c.port, '127.0.0.1', () => r()));
      c.port = (s.address() as AddressInfo).port;
      (c as { url: string }).url = `http://127.0.0.1:${c.port}`;
      server = s;
    },
  };
  await c.start();
  return c;
}
