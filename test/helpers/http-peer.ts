/**
 * A loopback HTTP peer that records what it accepts: the webhook (or Slack, Teams, PagerDuty)
 * endpoint of alerting tests, in process or facing a `logwarden serve` child.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface PeerAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpPeer {
  url: string;
  port: number;
  /** The requests answered 2xx, in arrival order. */
  received: Received[];
  server: Server;
  /** Idempotent; drops kept-alive connections. */
  close(): Promise<void>;
}

/**
 * Listen on 127.0.0.1:`port` (0: any); `answer` decides each response (default 200).
 *
 * @example
 * const peer = await startHttpPeer((r) => ({ status: r.url === '/deny' ? 401 : 204 }));
 */
export async function startHttpPeer(
  answer: (r: Received) => PeerAnswer = () => ({ status: 200 }),
  port = 0,
): Promise<HttpPeer> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const a = answer(r);
      if (a.status >= 200 && a.status < 300) received.push(r);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const p = (server.address() as AddressInfo).port;
  let closed = false;
  const close = () =>
    closed
      ? Promise.resolve()
      : new Promise<void>((ok) => {
          closed = true;
          server.closeAllConnections();
          server.close(() => ok());
        });
  return { url: `http://127.0.0.1:${p}`, port: p, received, server, close };
}
