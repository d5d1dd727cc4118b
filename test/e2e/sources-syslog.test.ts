/**
 * The syslog receiver inside a real `logwarden serve` (issue 3): UDP datagrams, TCP frames
 * (octet-counted and newline) and TLS over loopback reach the store parsed, each sender address
 * is its own source, and a malformed and an oversized frame are counted while the connection
 * they came on keeps working.
 */
import { makeSelfSignedCert } from '../helpers/self-signed.js';
import { waitFor } from '../helpers/wait.js';
import dgram from 'node:dgram';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  startServe,
  tempDir,
  type ServeProcess,
} from './helpers.js';
import {
  getJson,
  logLines,
  metric,
  metricsText,
  storedEvents,
  writeConfig,
  type StoredBody,
} from './sources-helpers.js';

const MAX_FRAME = 2048;
let dir: string;
let srv: ServeProcess;
let readToken: string;
let addrs: { udp: string; tcp: string; tls?: string };
let haveTls = true;

function hostPort(a: string): { host: string; port: number } {
  const i = a.lastIndexOf(':');
  return { host: a.slice(0, i), port: Number(a.slice(i + 1)) };
}

beforeAll(async () => {
  dir = tempDir('lw-syslog-');
  if (!makeSelfSignedCert(dir)) {
    haveTls = false;
    console.warn('TLS part skipped: openssl is not available to make a test certificate');
  }
  const config = writeConfig(dir, {
    sources: {
      syslog: {
        udp: '127.0.0.1:0',
        tcp: '127.0.0.1:0',
        ...(haveTls
          ? {
              tls: {
                listen: '127.0.0.1:0',
                cert_file: path.join(dir, 'cert.pem'),
                key_file: path.join(dir, 'key.pem'),
              },
            }
          : {}),
        max_frame_bytes: MAX_FRAME,
      },
    },
    detection: { enabled: false },
  });
  readToken = await createToken(dir, 'reader', 'read');
  srv = await startServe({
    dataDir: dir,
    args: ['--config', config],
    env: { LOGWARDEN_SERVER__LOG_LEVEL: 'info' },
  });
  const line = await waitFor(
    () => logLines(srv).find((l) => l.msg === 'syslog receiver listening'),
    'the syslog listening log line',
  );
  addrs = line as unknown as typeof addrs;
}, 60_000);

afterAll(async () => {
  await srv?.stop();
  killAllServes();
  cleanupTemps();
});

async function eventsFrom(source: string, n: number): Promise<StoredBody[]> {
  return waitFor(async () => {
    const evs = (await storedEvents(dir)).filter((e) => e.source === source);
    return evs.length >= n ? evs : undefined;
  }, `${n} events from ${source}`);
}

const SSHD =
  '<38>Nov 27 09:00:00 web1 sshd[4242]: Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2';
const RFC5424 =
  '<165>1 2026-11-27T09:00:01.003Z mymachine.example.com evntslog 77 ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][origin ip="192.0.2.1"] An application event';

describe('syslog into serve', () => {
  it('stores UDP datagrams parsed (sshd semantics, RFC 5424 structured data) as source syslog:<sender>', async () => {
    const { port } = hostPort(addrs.udp);
    const client = dgram.createSocket('udp4');
    // A sender other than 127.0.0.1: the whole 127/8 is loopback on Linux.
    await new Promise<void>((r) => client.bind(0, '127.0.0.2', () => r()));
    for (const m of [SSHD, `${RFC5424}\n`])
      await new Promise<void>((r, j) => client.send(m, port, '127.0.0.1', (e) => (e ? j(e) : r())));
    client.close();
    const evs = await eventsFrom('syslog:127.0.0.2', 2);
    const sshd = evs.find((e) => e.event['event.name'] === 'authn_login_fail')!.event;
    expect(sshd).toMatchObject({
      'user.name': 'admin',
      'client.address': '203.0.113.9',
      'client.port': 52144,
      'event.outcome': 'failure',
      'host.name': 'web1',
      'log.source': 'syslog',
      'log.original': SSHD,
    });
    expect((sshd.attributes as Record<string, unknown>)['syslog.transport']).toBe('udp');
    const sd = evs.find((e) => e.event['log.format'] === 'syslog5424')!.event;
    expect(sd.message).toBe('An application event');
    expect(sd.time).toBe('2026-11-27T09:00:01.003Z');
    expect(sd.attributes).toMatchObject({
      'sd.exampleSDID@32473.iut': '3',
      'sd.exampleSDID@32473.eventID': '1011',
      'sd.origin.ip': '192.0.2.1',
      'process.name': 'evntslog',
      'process.pid': 77,
      'syslog.msgid': 'ID47',
    });
  });

  it('takes TCP octet-counted and newline frames, counts a malformed and an oversized frame, and keeps the connection', async () => {
    const { port } = hostPort(addrs.tcp);
    const sock = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.3' });
    await new Promise<void>((r, j) => sock.once('connect', () => r()).once('error', j));
    const framed = (m: string) => `${Buffer.byteLength(m)} ${m}`;
    const su = "<34>Nov 27 09:00:02 web1 su: 'su root' failed for lonvick on /dev/pts/8";
    sock.write(framed(SSHD.replace('4242', '4243')));
    sock.write(`${RFC5424.replace(' 77 ', ' 78 ')}\n`);
    sock.write('00x garbage length\n'); // malformed octet count: skipped to the next LF
    sock.write(framed(`<38>Nov 27 09:00:03 web1 app: ${'A'.repeat(MAX_FRAME)}`)); // oversized
    sock.write(framed(su)); // after both bad frames, on the same connection
    const evs = await eventsFrom('syslog:127.0.0.3', 3);
    expect(sock.destroyed).toBe(false);
    sock.write(
      `<38>Nov 27 09:00:04 web1 sshd[9]: Accepted publickey for deploy from 198.51.100.4 port 40000 ssh2\n`,
    );
    const more = await eventsFrom('syslog:127.0.0.3', 4);
    sock.end();
    const names = more.map((e) => e.event['event.name']).sort();
    // sshd failure and success, the RFC 5424 application event and the su line (plain log).
    expect(names).toEqual(['authn_login_fail', 'authn_login_success', 'log', 'log']);
    expect(more.find((e) => e.event['event.name'] === 'authn_login_success')!.event).toMatchObject({
      'user.name': 'deploy',
      'client.address': '198.51.100.4',
    });
    expect(evs.some((e) => e.event['log.original'] === su)).toBe(true);
    expect(more.some((e) => String(e.event.message ?? '').startsWith('AAAA'))).toBe(false);
    expect(
      more.every(
        (e) => (e.event.attributes as Record<string, unknown>)['syslog.transport'] === 'tcp',
      ),
    ).toBe(true);

    const text = await metricsText(srv.url, readToken);
    const labels = { source: 'syslog:127.0.0.3' };
    expect(metric(text, 'logwarden_events_dropped_total', { ...labels, reason: 'malformed' })).toBe(
      1,
    );
    expect(metric(text, 'logwarden_events_dropped_total', { ...labels, reason: 'oversized' })).toBe(
      1,
    );
    expect(metric(text, 'logwarden_events_stored_total', labels)).toBe(4);
    expect(metric(text, 'logwarden_events_received_total', labels)).toBe(6);
  });

  it('takes RFC 5425 TLS frames', async (ctx) => {
    if (!haveTls || addrs.tls === undefined) {
      console.warn('skipped: no TLS listener (openssl unavailable for a test certificate)');
      ctx.skip();
      return;
    }
    const { port } = hostPort(addrs.tls);
    // TLS over a TCP socket bound to its own loopback address (the sender's identity).
    const sock = tls.connect({
      socket: net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.4' }),
      rejectUnauthorized: false,
    });
    await new Promise<void>((r, j) => sock.once('secureConnect', () => r()).once('error', j));
    const m = SSHD.replace('4242', '4244').replace('invalid user admin', 'root');
    sock.write(`${Buffer.byteLength(m)} ${m}`);
    const [ev] = await eventsFrom('syslog:127.0.0.4', 1);
    sock.end();
    expect(ev!.event).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'root',
      'client.address': '203.0.113.9',
      'client.port': 52144,
    });
    expect((ev!.event.attributes as Record<string, unknown>)['syslog.transport']).toBe('tls');
  });

  it('lists each sender as a source in GET /v1/sources', async () => {
    const body = await getJson(`${srv.url}/v1/sources`, readToken);
    const names = (body.sources as { source: string }[]).map((s) => s.source);
    expect(names).toEqual(expect.arrayContaining(['syslog:127.0.0.2', 'syslog:127.0.0.3']));
    if (haveTls) expect(names).toContain('syslog:127.0.0.4');
  });
});
