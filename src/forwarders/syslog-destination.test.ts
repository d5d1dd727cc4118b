/**
 * The syslog forwarder against a real node:net receiver on loopback that parses RFC 6587
 * octet-counted frames and RFC 5424 messages.
 */
import { makeSelfSignedCert } from '../../test/helpers/self-signed.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { hashLeaf } from '../ledger/merkle.js';
import { openCursors } from './cursor.js';
import { createForwarder, type Forwarder } from './forwarder.js';
import { createSyslogDestination } from './syslog-destination.js';
import { openTestLedger, type TestLedger } from './test-ledger.js';

interface Received {
  pri: number;
  msgid: string;
  sd: Record<string, string>;
  msg: string;
}

/** A receiver that splits a TCP stream into octet-counted frames (partial chunks included). */
function receiver(
  tlsOptions?: tls.TlsOptions,
): Promise<{ port: number; got: Received[]; server: net.Server }> {
  const got: Received[] = [];
  const onSocket = (sock: net.Socket) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const sp = buf.indexOf(0x20);
        if (sp < 0) return;
        const len = Number(buf.subarray(0, sp).toString());
        if (buf.length < sp + 1 + len) return;
        const text = buf.subarray(sp + 1, sp + 1 + len).toString('utf8');
        buf = buf.subarray(sp + 1 + len);
        const m =
          /^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) \[logwarden@32473((?: [a-z]+="(?:[^"\\\]]|\\["\\\]])*")+)\] ([\s\S]*)$/.exec(
            text,
          );
        if (m === null) throw new Error(`not RFC 5424 with our SD: ${text.slice(0, 200)}`);
        const sd: Record<string, string> = {};
        for (const p of m[7]!.matchAll(/([a-z]+)="((?:[^"\\\]]|\\["\\\]])*)"/g))
          sd[p[1]!] = p[2]!.replace(/\\(["\\\]])/g, '$1');
        got.push({ pri: Number(m[1]), msgid: m[6]!, sd, msg: m[8]! });
      }
    });
  };
  const server = tlsOptions ? tls.createServer(tlsOptions, onSocket) : net.createServer(onSocket);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as net.AddressInfo).port, got, server }),
    ),
  );
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(): Promise<TestLedger> {
  const t = await openTestLedger();
  cleanup.push(() => t.close());
  return t;
}

function forwarder(t: TestLedger, port: number): Forwarder {
  const f = createForwarder({
    name: 'siem',
    ledger: t.checkpointer.ledger,
    cursors: openCursors(t.store),
    destination: createSyslogDestination({ host: '127.0.0.1', port, origin: t.origin }),
    batchEntries: 7,
    backoffMinMs: 20,
    backoffMaxMs: 100,
    pollMs: 50,
  });
  f.start();
  return f;
}

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('syslog forwarder (RFC 5424, octet counting)', () => {
  it('delivers every signed entry once, in order, with origin, index and leaf hash in SD', async () => {
    const t = await setup();
    const rx = await receiver();
    cleanup.push(() => new Promise((r) => rx.server.close(() => r())));
    await t.add(30);
    const f = forwarder(t, rx.port);
    cleanup.push(() => f.stop());
    await until(() => rx.got.length >= 30);
    expect(rx.got.map((g) => Number(g.sd.index))).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const g of rx.got) {
      expect(g.sd.origin).toBe(t.origin);
      expect(g.pri).toBe(13 * 8 + 4); // log audit, warning
      expect(g.msgid).toBe('authn_login_fail');
      const body = g.msg.replace(/^\uFEFF/, '');
      expect(hashLeaf(body).toString('hex')).toBe(g.sd.leaf);
      expect(body).toBe(t.store.getBySeq(Number(g.sd.index))!.body);
    }
  });

  it('waits with backoff while the receiver is down, then resumes from its persisted cursor', async () => {
    const t = await setup();
    await t.add(10);
    const rx = await receiver();
    const port = rx.port;
    await new Promise<void>((r) => rx.server.close(() => r())); // nobody listening yet
    const f = forwarder(t, port);
    await new Promise((r) => setTimeout(r, 300));
    expect(f.stats.errors).toBeGreaterThan(0);
    expect(f.cursor()).toBe(0);
    const rx2 = await new Promise<{ got: Received[]; server: net.Server }>((resolve) => {
      void receiver().then((r) => {
        // re-listen on the same port
        r.server.close(() => {
          const got = r.got;
          const s = net.createServer(
            r.server.listeners('connection')[0] as (s: net.Socket) => void,
          );
          s.listen(port, '127.0.0.1', () => resolve({ got, server: s }));
        });
      });
    });
    cleanup.push(() => new Promise((r) => rx2.server.close(() => r())));
    await until(() => rx2.got.length >= 10);
    await f.stop();
    // A new forwarder (a restart) starts from the stored cursor: nothing is sent twice.
    await t.add(5);
    const f2 = forwarder(t, port);
    cleanup.push(() => f2.stop());
    await until(() => rx2.got.length >= 15);
    await new Promise((r) => setTimeout(r, 200));
    expect(rx2.got.map((g) => Number(g.sd.index))).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('over TLS (RFC 5425): the certificate is verified against the configured CA', async (ctx) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-syslog-tls-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    if (!makeSelfSignedCert(dir, { san: 'DNS:localhost,IP:127.0.0.1' })) {
      console.warn('TLS syslog test skipped: openssl is not available to make a test certificate');
      ctx.skip();
      return;
    }
    const t = await setup();
    const rx = await receiver({
      key: readFileSync(path.join(dir, 'key.pem')),
      cert: readFileSync(path.join(dir, 'cert.pem')),
    });
    cleanup.push(() => new Promise((r) => rx.server.close(() => r())));
    await t.add(6);
    const f = createForwarder({
      name: 'siem-tls',
      ledger: t.checkpointer.ledger,
      cursors: openCursors(t.store),
      destination: createSyslogDestination({
        host: '127.0.0.1',
        port: rx.port,
        tls: true,
        caFile: path.join(dir, 'cert.pem'),
        origin: t.origin,
      }),
      pollMs: 50,
    });
    f.start();
    cleanup.push(() => f.stop());
    await until(() => rx.got.length >= 6);
    expect(rx.got.map((g) => Number(g.sd.index))).toEqual([0, 1, 2, 3, 4, 5]);
    // Without the CA the self-signed certificate is refused: nothing is delivered, errors counted.
    const t2 = await setup();
    await t2.add(2);
    const f2 = createForwarder({
      name: 'siem-tls-untrusted',
      ledger: t2.checkpointer.ledger,
      cursors: openCursors(t2.store),
      destination: createSyslogDestination({
        host: '127.0.0.1',
        port: rx.port,
        tls: true,
        origin: t2.origin,
      }),
      backoffMinMs: 20,
      backoffMaxMs: 50,
      pollMs: 50,
    });
    f2.start();
    cleanup.push(() => f2.stop());
    await until(() => f2.stats.errors > 0);
    expect(f2.cursor()).toBe(0);
    expect(f2.stats.lastError).toMatch(/certificate/i);
  });
});
