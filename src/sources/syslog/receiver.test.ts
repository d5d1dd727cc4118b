import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeSelfSignedCert } from '../../../test/helpers/self-signed.js';
import { createSyslogReceiver, type SyslogReceiver } from './receiver.js';
import type { EventSink } from '../types.js';

interface Stored {
  item: Record<string, unknown>;
  source: string;
}

function recordingSink(): EventSink & { stored: Stored[] } {
  const stored: Stored[] = [];
  return {
    stored,
    async ingest(items, source) {
      for (const item of items) stored.push({ item, source });
      return { accepted: items.length, duplicates: 0, rejected: 0, errors: [] };
    },
  };
}

// The real parsers live in src/parsers; here a minimal one that keeps the text is enough to
// test transport and framing.
const parse = (text: string, sender: string, transport: string): Record<string, unknown> => ({
  'event.name': 'log',
  message: text,
  attributes: { sender, transport },
});

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let receiver: SyslogReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('syslog receiver over loopback', () => {
  it('takes UDP datagrams, one message each, and records the sender as the source', async () => {
    const sink = recordingSink();
    receiver = createSyslogReceiver({ udp: '127.0.0.1:0', sink, parse, flushMs: 5 });
    await receiver.start();
    const port = receiver.addresses().udp!.port;
    const client = dgram.createSocket('udp4');
    const msgs = [
      "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] An application event\n',
    ];
    for (const m of msgs)
      await new Promise<void>((r) => client.send(Buffer.from(m), port, '127.0.0.1', () => r()));
    client.close();
    await until(() => sink.stored.length === 2, 'two datagrams');
    expect(sink.stored.map((s) => s.item.message)).toEqual([msgs[0], msgs[1]!.trimEnd()]);
    expect(sink.stored.every((s) => s.source === 'syslog:127.0.0.1')).toBe(true);
    expect(receiver.stats().received).toBe(2);
  });

  it('counts an oversized datagram and keeps taking the next ones', async () => {
    const sink = recordingSink();
    receiver = createSyslogReceiver({
      udp: '127.0.0.1:0',
      sink,
      parse,
      flushMs: 5,
      maxFrameBytes: 100,
    });
    await receiver.start();
    const port = receiver.addresses().udp!.port;
    const client = dgram.createSocket('udp4');
    await new Promise<void>((r) =>
      client.send(Buffer.alloc(500, 0x41), port, '127.0.0.1', () => r()),
    );
    await new Promise<void>((r) =>
      client.send(Buffer.from('<13>after the big one'), port, '127.0.0.1', () => r()),
    );
    client.close();
    await until(() => sink.stored.length === 1, 'the good datagram');
    expect(sink.stored[0]!.item.message).toBe('<13>after the big one');
    expect(receiver.stats().dropped.oversized).toBe(1);
  });

  it('decodes TCP octet-counted and newline frames mixed on one connection, split at odd places', async () => {
    const sink = recordingSink();
    receiver = createSyslogReceiver({
      tcp: '127.0.0.1:0',
      sink,
      parse,
      flushMs: 5,
      maxFrameBytes: 64,
    });
    await receiver.start();
    const port = receiver.addresses().tcp!.port;
    const m1 = '<13>1 2026-11-27T10:00:00Z h app - - - first';
    const m2 = '<13>second\r';
    const big = 'x'.repeat(200);
    const payload = Buffer.from(
      `${Buffer.byteLength(m1)} ${m1}${m2}\n` + // octet-counted then newline-framed
        `${big}\n` + // oversized newline frame: skipped
        `300 ${'y'.repeat(300)}` + // oversized octet-counted frame: exactly 300 bytes skipped
        `abc12 notanumber\n` + // newline frame starting with a letter: kept as a message
        `<14>third with ünïcödé\n`,
    );
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    // Write in 7-byte pieces so frames and length prefixes straddle TCP segments.
    for (let i = 0; i < payload.length; i += 7) sock.write(payload.subarray(i, i + 7));
    sock.end();
    await until(() => sink.stored.length === 4, 'four frames');
    expect(sink.stored.map((s) => s.item.message)).toEqual([
      m1,
      '<13>second',
      'abc12 notanumber',
      '<14>third with ünïcödé',
    ]);
    expect(receiver.stats().dropped.oversized).toBe(2);
  });

  it('survives a malformed length prefix and keeps the connection', async () => {
    const sink = recordingSink();
    receiver = createSyslogReceiver({ tcp: '127.0.0.1:0', sink, parse, flushMs: 5 });
    await receiver.start();
    const port = receiver.addresses().tcp!.port;
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write('0123 bad zero-led length\n');
    sock.write('<13>still alive\n');
    await until(() => sink.stored.length === 1, 'the frame after the bad one');
    expect(sink.stored[0]!.item.message).toBe('<13>still alive');
    expect(receiver.stats().dropped.malformed).toBe(1);
    expect(sock.destroyed).toBe(false);
    sock.end();
  });

  it('accepts RFC 5425 TLS with octet counting', async (ctx) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-tls-'));
    const certs = makeSelfSignedCert(dir);
    if (!certs) {
      console.warn('skipped: openssl is not available to make a test certificate');
      ctx.skip();
      return;
    }
    const sink = recordingSink();
    receiver = createSyslogReceiver({
      tls: {
        listen: '127.0.0.1:0',
        certFile: path.join(dir, 'cert.pem'),
        keyFile: path.join(dir, 'key.pem'),
      },
      sink,
      parse,
      flushMs: 5,
    });
    await receiver.start();
    const port = receiver.addresses().tls!.port;
    const sock = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    await new Promise<void>((r) => sock.once('secureConnect', () => r()));
    const m =
      '<86>1 2026-11-27T10:00:00Z host sshd 42 - - Failed password for root from 203.0.113.9 port 22 ssh2';
    sock.write(`${Buffer.byteLength(m)} ${m}`);
    sock.end();
    await until(() => sink.stored.length === 1, 'the TLS frame');
    expect(sink.stored[0]!.item.message).toBe(m);
    expect((sink.stored[0]!.item.attributes as Record<string, string>).transport).toBe('tls');
    rmSync(dir, { recursive: true, force: true });
  });
});
