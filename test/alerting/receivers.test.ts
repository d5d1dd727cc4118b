/**
 * Every receiver against a real peer on loopback: a webhook endpoint that verifies the HMAC
 * signature and refuses replays, Slack/Teams/PagerDuty payload shapes, an SMTP server (plain and
 * STARTTLS) that checks both parts and the headers, CEF over UDP and TCP, and an exec command.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toMessageAlert, type NotificationMessage } from '../../src/alerting/message.js';
import { buildReceiver } from '../../src/alerting/receivers/index.js';
import type { ReceiverConfig } from '../../src/alerting/types.js';
import { cleanup, httpPeer, makeAlert, tempDir, type Received } from './helpers.js';

afterEach(cleanup);

const NOW = Date.parse('2026-11-25T10:00:00Z');
const evil = makeAlert({
  episode: 1,
  entity: { type: 'user', value: 'mallory<b>&|=x' },
  summary: 'failed logins for <script>alert(1)</script>',
});
const message: NotificationMessage = {
  kind: 'alert',
  title: 'HIGH Brute force against one account: user mallory',
  severity: 'high',
  route: 'root',
  alerts: [toMessageAlert({ ...evil, status: 'open' }, 'https://lw.example/')],
  alertsOmitted: 0,
  suppressed: 42,
  suppressedReasons: { duplicate: 42 },
  createdMs: NOW,
};
const ctx = { deliveryId: 'lw-7', nowMs: NOW, dashboardUrl: 'https://lw.example' };
const build = (c: Record<string, unknown>) =>
  buildReceiver({ timeout_secs: 5, ...c } as unknown as ReceiverConfig, {
    log: () => {},
    version: '1.2.3',
  });

/** The verification recipe of docs/alerting.md, as a receiving service would write it. */
function verify(r: Received, secret: string, nowSecs: number): string | undefined {
  const ts = String(r.headers['x-logwarden-timestamp'] ?? '');
  const sig = String(r.headers['x-logwarden-signature'] ?? '');
  if (!/^\d+$/.test(ts) || Math.abs(nowSecs - Number(ts)) > 300) return 'stale timestamp';
  const expected = Buffer.from(
    'sha256=' + createHmac('sha256', secret).update(`${ts}.${r.body}`).digest('hex'),
  );
  const got = Buffer.from(sig);
  return got.length === expected.length && timingSafeEqual(got, expected)
    ? undefined
    : 'bad signature';
}

describe('webhook', () => {
  it('signs the body with HMAC-SHA256 over "<timestamp>.<body>"; a replay with an old timestamp is refused', async () => {
    const secret = 'correct horse battery staple';
    const seen = new Set<string>();
    const peer = await httpPeer((r) => {
      const why = verify(r, secret, Math.floor(NOW / 1000) + (seen.size ? 600 : 0));
      seen.add(r.body);
      return why ? { status: 401, body: why } : { status: 204 };
    });
    const rcv = build({
      name: 'hook',
      type: 'webhook',
      url: peer.url + '/in',
      secret,
      headers: {},
    });
    await rcv.send(message, ctx);
    expect(peer.received).toHaveLength(1);
    const body = JSON.parse(peer.received[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ version: 1, delivery_id: 'lw-7', suppressed: 42, kind: 'alert' });
    expect(peer.received[0]!.headers['x-logwarden-delivery']).toBe('lw-7');
    // The same request replayed ten minutes later: the peer's clock check refuses it.
    const replay = await fetch(peer.url + '/in', {
      method: 'POST',
      headers: {
        'x-logwarden-timestamp': String(peer.received[0]!.headers['x-logwarden-timestamp']),
        'x-logwarden-signature': String(peer.received[0]!.headers['x-logwarden-signature']),
      },
      body: peer.received[0]!.body,
    });
    expect(replay.status).toBe(401);
    expect(await replay.text()).toBe('stale timestamp');
    // A wrong secret fails with the status in the error (and never the secret).
    const wrong = build({
      name: 'hook2',
      type: 'webhook',
      url: peer.url + '/in',
      secret: 'x'.repeat(20),
      headers: {},
    });
    seen.clear();
    const err = await wrong.send(message, ctx).catch((e: Error) => e);
    expect(String(err)).toMatch(/receiver hook2: HTTP 401: bad signature/);
    expect(String(err)).not.toContain('xxxxxxxx');
  });

  it('reports Retry-After from a 429 so the outbox waits as asked', async () => {
    const peer = await httpPeer(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    const rcv = build({ name: 'hook', type: 'webhook', url: peer.url, headers: {} });
    const e = (await rcv.send(message, ctx).catch((x: unknown) => x)) as {
      code: string;
      details: { retryAfterMs: number };
    };
    expect(e.code).toBe('LW_DELIVERY_FAILED');
    expect(e.details.retryAfterMs).toBe(120_000);
  });
});

describe('chat and paging payloads', () => {
  it('Slack: Block Kit with escaped mrkdwn, the facts, events, link and suppressed count', async () => {
    const peer = await httpPeer();
    await build({ name: 's', type: 'slack', url: peer.url }).send(message, ctx);
    const p = JSON.parse(peer.received[0]!.body) as {
      text: string;
      blocks: {
        type: string;
        text?: { text: string };
        fields?: { text: string }[];
        elements?: { text: string }[];
      }[];
    };
    expect(p.blocks[0]!.type).toBe('header');
    const all = JSON.stringify(p.blocks);
    expect(all).toContain('mallory&lt;b&gt;&amp;|=x');
    expect(all).not.toContain('<script>');
    expect(all).toContain('<https://lw.example/alerts/' + evil.id + '|Open alert>');
    const fields = p.blocks[1]!.fields!.map((f) => f.text);
    expect(fields).toEqual(expect.arrayContaining(['*Severity*\nhigh', '*Count*\n6']));
    expect(p.blocks.at(-1)!.elements![0]!.text).toBe(
      '42 suppressed since the last message (42 duplicate)',
    );
  });

  it('Teams: an Adaptive Card attachment with facts and an Open alert action', async () => {
    const peer = await httpPeer();
    await build({ name: 't', type: 'teams', url: peer.url }).send(message, ctx);
    const p = JSON.parse(peer.received[0]!.body) as {
      type: string;
      attachments: {
        contentType: string;
        content: {
          type: string;
          version: string;
          body: { type: string; facts?: { title: string; value: string }[] }[];
          actions: { url: string }[];
        };
      }[];
    };
    expect(p.type).toBe('message');
    const card = p.attachments[0]!;
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content.type).toBe('AdaptiveCard');
    const facts = card.content.body.find((b) => b.type === 'FactSet')!.facts!;
    expect(facts.find((f) => f.title === 'Entity')!.value).toBe('user mallory\\<b\\>&\\|=x');
    expect(card.content.actions[0]!.url).toBe(`https://lw.example/alerts/${evil.id}`);
  });

  it('PagerDuty Events v2: trigger with dedup_key = alert id; resolve carries no payload', async () => {
    const peer = await httpPeer(() => ({ status: 202, body: '{"status":"success"}' }));
    const pd = build({
      name: 'pd',
      type: 'pagerduty',
      routing_key: 'R0UTINGKEY0123456789',
      url: peer.url + '/v2/enqueue',
    });
    await pd.send(message, ctx);
    await pd.send({ ...message, kind: 'resolved' }, ctx);
    const [t, r] = peer.received.map((x) => JSON.parse(x.body) as Record<string, unknown>);
    expect(t).toMatchObject({
      routing_key: 'R0UTINGKEY0123456789',
      event_action: 'trigger',
      dedup_key: evil.id,
    });
    expect((t!.payload as Record<string, unknown>).severity).toBe('error');
    expect(
      (t!.payload as { custom_details: { suppressed: number } }).custom_details.suppressed,
    ).toBe(42);
    expect(r).toEqual({
      routing_key: 'R0UTINGKEY0123456789',
      event_action: 'resolve',
      dedup_key: evil.id,
    });
  });
});

function certificate(dir: string): { key: string; cert: string } | undefined {
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        path.join(dir, 'k.pem'),
        '-out',
        path.join(dir, 'c.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(path.join(dir, 'k.pem'), 'utf8'),
      cert: readFileSync(path.join(dir, 'c.pem'), 'utf8'),
    };
  } catch {
    return undefined;
  }
}

async function smtpPeer(tls?: { key: string; cert: string }) {
  const mails: { from: string; to: string[]; raw: string; secure: boolean; user?: string }[] = [];
  const server = new SMTPServer({
    ...(tls ? { key: tls.key, cert: tls.cert } : { disabledCommands: ['STARTTLS'] }),
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _s, cb) {
      if (auth.username === 'lw' && auth.password === 's3cret-pass')
        return cb(null, { user: 'lw' });
      return cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          ...(session.user ? { user: String(session.user) } : {}),
        });
        cb();
      });
    },
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.server.address() as net.AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

describe('email over SMTP', () => {
  it('sends text and HTML parts (HTML escaped), headers, and authenticates', async () => {
    const smtp = await smtpPeer();
    try {
      const rcv = build({
        name: 'mail',
        type: 'email',
        host: '127.0.0.1',
        port: smtp.port,
        tls: 'none',
        reject_unauthorized: true,
        username: 'lw',
        password: 's3cret-pass',
        from: 'logwarden@example.org',
        to: ['soc@example.org', 'oncall@example.org'],
        subject_prefix: '[lw]',
      });
      await rcv.send(message, ctx);
      await rcv.close();
      expect(smtp.mails).toHaveLength(1);
      const m = smtp.mails[0]!;
      expect(m.user).toBe('lw');
      expect(m.from).toBe('logwarden@example.org');
      expect(m.to).toEqual(['soc@example.org', 'oncall@example.org']);
      expect(m.raw).toMatch(
        /^Subject: \[lw\] HIGH: HIGH Brute force against one account: user mallory/m,
      );
      expect(m.raw).toMatch(/^X-Logwarden-Delivery: lw-7/m);
      expect(m.raw).toMatch(/Content-Type: multipart\/alternative/);
      expect(m.raw).toMatch(/Content-Type: text\/plain/);
      expect(m.raw).toMatch(/Content-Type: text\/html/);
      const decoded = m.raw
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      expect(decoded).toContain('failed logins for &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(decoded).toContain('42 suppressed since the last message');
      expect(decoded).toContain(`https://lw.example/alerts/${evil.id}`);
      // The text part carries the raw values (text medium), the HTML part never a raw tag.
      expect(decoded).toContain('entity: user mallory<b>&|=x');
      expect(decoded).not.toMatch(/<b>&amp;\|=x/);
    } finally {
      await smtp.close();
    }
  });

  const dir = tempDir();
  const tls = certificate(dir);
  if (!tls) console.warn('STARTTLS test skipped: openssl could not make a test certificate');
  it.skipIf(!tls)(
    'STARTTLS is required by default, and the session is upgraded (skipped: no openssl)',
    async () => {
      const smtp = await smtpPeer(tls);
      try {
        const ok = build({
          name: 'mail',
          type: 'email',
          host: '127.0.0.1',
          port: smtp.port,
          tls: 'starttls',
          reject_unauthorized: false,
          from: 'lw@example.org',
          to: ['soc@example.org'],
          subject_prefix: '[lw]',
        });
        await ok.send(message, ctx);
        await ok.close();
        expect(smtp.mails[0]!.secure).toBe(true);
        // Verification of the certificate is on by default: a self-signed peer is refused.
        const strict = build({
          name: 'strict',
          type: 'email',
          host: '127.0.0.1',
          port: smtp.port,
          tls: 'starttls',
          reject_unauthorized: true,
          from: 'lw@example.org',
          to: ['soc@example.org'],
          subject_prefix: '[lw]',
        });
        await expect(strict.send(message, ctx)).rejects.toThrow(/receiver strict: SMTP/);
        await strict.close();
      } finally {
        await smtp.close();
      }
    },
  );
});

describe('syslog / CEF', () => {
  it('CEF:0 in an RFC 5424 datagram over UDP, escaped', async () => {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((ok) => sock.bind(0, '127.0.0.1', ok));
    const got = new Promise<string>((ok) => sock.once('message', (b) => ok(b.toString('utf8'))));
    await build({
      name: 'siem',
      type: 'syslog',
      protocol: 'udp',
      host: '127.0.0.1',
      port: sock.address().port,
      facility: 13,
      app_name: 'logwarden',
    }).send(message, ctx);
    const line = await got;
    sock.close();
    expect(line).toMatch(
      /^<107>1 2026-11-25T10:00:00\.000Z \S+ logwarden - alert - CEF:0\|logwarden\|logwarden\|1\.2\.3\|lw_bruteforce_user\|Brute force against one account\|8\|/,
    );
    expect(line).toContain('cs1=user:mallory<b>&|\\=x');
    expect(line).toContain('cnt=6');
    expect(line).toContain('cs2Label=suppressed cs2=42');
    expect(line).toContain(`cs3=https://lw.example/alerts/${evil.id}`);
  });

  it('octet-counted frames over TCP (RFC 6587)', async () => {
    let data = '';
    const done = new Promise<void>((ok) => {
      const srv = net.createServer((s) => {
        s.on('data', (d) => (data += d.toString('utf8')));
        s.on('end', () => {
          srv.close();
          ok();
        });
      });
      srv.listen(0, '127.0.0.1', () => {
        const port = (srv.address() as net.AddressInfo).port;
        void build({
          name: 'siem',
          type: 'syslog',
          protocol: 'tcp',
          host: '127.0.0.1',
          port,
          facility: 13,
          app_name: 'logwarden',
        }).send(
          { ...message, alerts: [message.alerts[0]!, { ...message.alerts[0]!, id: 'second' }] },
          ctx,
        );
      });
    });
    await done;
    const frames: string[] = [];
    let rest = data;
    while (rest.length) {
      const m = /^(\d+) /.exec(rest)!;
      const n = Number(m[1]);
      const buf = Buffer.from(rest.slice(m[0].length));
      frames.push(buf.subarray(0, n).toString('utf8'));
      rest = buf.subarray(n).toString('utf8');
    }
    expect(frames).toHaveLength(2);
    expect(frames[1]).toContain('externalId=second');
  });

  it('a closed TCP port fails with the error code, to be retried', async () => {
    const srv = net.createServer();
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((ok) => srv.close(() => ok()));
    await expect(
      build({
        name: 'siem',
        type: 'syslog',
        protocol: 'tcp',
        host: '127.0.0.1',
        port,
        facility: 13,
        app_name: 'x',
      }).send(message, ctx),
    ).rejects.toThrow(/receiver siem: syslog tcp: ECONNREFUSED/);
  });
});

describe('exec', () => {
  let script = '';
  let out = '';
  beforeEach(() => {
    const dir = tempDir();
    script = path.join(dir, 'fw.sh');
    out = path.join(dir, 'out.txt');
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$@" "env=$LW_DECISION_VALUE" > "${out}"\n`);
    chmodSync(script, 0o755);
  });
  const decision = {
    id: 'd1',
    action: 'add' as const,
    type: 'ban_ip' as const,
    value: '198.51.100.23',
    durationSecs: 600,
    expiresMs: NOW + 600_000,
    reason: 'r',
  };

  it('runs argv (no shell) with the decision as whole arguments and env', async () => {
    const rcv = build({
      name: 'fw',
      type: 'exec',
      command: [script, '{action}', '{type}', '{value}', '{duration_secs}', '$(touch pwned)'],
    });
    await rcv.send({ ...message, kind: 'decision', decision }, ctx);
    expect(readFileSync(out, 'utf8').split('\n')).toEqual([
      'add',
      'ban_ip',
      '198.51.100.23',
      '600',
      '$(touch pwned)',
      'env=198.51.100.23',
      '',
    ]);
    expect(existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
  });

  it('refuses a value that is not an IP address before running anything', async () => {
    const rcv = build({ name: 'fw', type: 'exec', command: [script, '{value}'] });
    await expect(
      rcv.send(
        { ...message, kind: 'decision', decision: { ...decision, value: '1.2.3.4; rm -rf /' } },
        ctx,
      ),
    ).rejects.toThrow(/refused decision d1: not an IP address/);
  });

  it('kills a command that outlives its timeout', async () => {
    const rcv = build({ name: 'fw', type: 'exec', command: ['/bin/sleep', '5'], timeout_secs: 1 });
    await expect(rcv.send({ ...message, kind: 'decision', decision }, ctx)).rejects.toThrow(
      /timed out/,
    );
  });
});
