import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLineParser } from './index.js';
import { parseRfc3164, parseRfc5424, parseSyslogLine } from './syslog.js';
import type { ParsedEvent } from './types.js';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test/fixtures/logs',
);
const NOW = Date.parse('2026-11-27T12:00:00Z');
const ctx = { now: NOW };
const read = (f: string): string[] =>
  readFileSync(path.join(FIXTURES, f), 'utf8').trimEnd().split('\n');
const sshd = (msg: string): ParsedEvent =>
  parseRfc3164(`Nov 27 09:00:00 web1 sshd[42]: ${msg}`, ctx)!;

describe('syslog header (RFC 3164 and file forms)', () => {
  it('reads time, host, program and pid; records the assumed year and zone', () => {
    const ev = parseRfc3164(read('auth.log')[0]!, ctx)!;
    expect(ev.time).toBe('2026-11-27T09:00:00.000Z');
    expect(ev['host.name']).toBe('web1');
    expect(ev.attributes).toMatchObject({
      'process.name': 'sshd',
      'process.pid': 1201,
      'time.assumed': 'year=2026,tz=UTC',
    });
    expect(ev['log.format']).toBe('syslog');
  });

  it('rolls a year back when the date would be more than a day ahead of now', () => {
    const jan = { now: Date.parse('2027-01-02T00:00:00Z') };
    expect(parseRfc3164('Dec 31 23:59:59 h sshd[1]: x', jan)!.time).toBe(
      '2026-12-31T23:59:59.000Z',
    );
    expect(parseRfc3164('Jan  2 10:00:00 h sshd[1]: x', jan)!.time).toBe(
      '2027-01-02T10:00:00.000Z',
    ); // within a day: kept
    expect(parseRfc3164('Dec 31 23:59:59 h sshd[1]: x', { ...jan, year: 2030 })!.time).toBe(
      '2030-12-31T23:59:59.000Z',
    );
  });

  it('applies the context zone, with DST, and says so', () => {
    const summer = parseRfc3164('Jul  1 12:00:00 h app: x', {
      now: NOW,
      timezone: 'Europe/Paris',
    })!;
    expect(summer.time).toBe('2026-07-01T10:00:00.000Z');
    const winter = parseRfc3164('Nov 27 12:00:00 h app: x', {
      now: NOW,
      timezone: 'Europe/Paris',
    })!;
    expect(winter.time).toBe('2026-11-27T11:00:00.000Z');
    expect(winter.attributes?.['time.assumed']).toBe('year=2026,tz=Europe/Paris');
    expect(parseRfc3164('Nov 27 12:00:00 h app: x', { now: NOW, timezone: '-05:00' })!.time).toBe(
      '2026-11-27T17:00:00.000Z',
    );
  });

  it('reads <PRI> frames without a hostname', () => {
    const ev = parseRfc3164('<34>Nov 27 09:00:00 su: FAILED su for root by alice', {
      now: NOW,
      hostname: 'x',
    })!;
    expect(ev.severity).toBe('CRITICAL');
    expect(ev.attributes).toMatchObject({
      'syslog.facility': 4,
      'syslog.severity': 2,
      'process.name': 'su',
    });
    expect(ev['host.name']).toBeUndefined();
    expect(ev).toMatchObject({ 'event.name': 'authn_login_fail', 'user.name': 'root' });
  });

  it('reads the ISO-timestamp file form', () => {
    const [a, b, c, d] = read('auth-iso.log').map((l) => parseSyslogLine(l, ctx)!);
    expect(a).toMatchObject({
      time: '2026-11-27T09:00:00.123Z',
      'event.name': 'authn_login_fail',
      'event.reason': 'invalid_user',
      'user.name': 'admin',
    });
    expect(a!.attributes?.['time.assumed']).toBeUndefined();
    expect(b).toMatchObject({
      time: '2026-11-27T09:00:01.000Z',
      'event.name': 'authn_login_success',
      'client.address': '2001:db8::7',
      'client.port': 40100,
    });
    expect(c).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'test',
      'client.address': '203.0.113.9',
      'client.port': 52170,
    });
    expect(d).toMatchObject({
      'event.name': 'authn_login_success',
      'user.name': 'root',
      'event.action': 'su',
    });
    expect(d!.attributes?.['su.from_user']).toBe('alice');
  });

  it('returns null for lines that are not syslog', () => {
    for (const l of [
      'hello world',
      '2026-11-27 09:00:01 GET /x',
      '{"a":1}',
      'Nov 27 09:00:00',
      '<999>Nov 27 09:00:00 h a: b',
    ])
      expect(parseSyslogLine(l, ctx), l).toBeNull();
  });
});

describe('sshd semantics', () => {
  const cases: [string, Partial<ParsedEvent>][] = [
    [
      'Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2',
      {
        'event.name': 'authn_login_fail',
        'user.name': 'admin',
        'client.address': '203.0.113.9',
        'client.port': 52144,
        'event.outcome': 'failure',
        'event.reason': 'invalid_user',
      },
    ],
    [
      'Failed password for root from 203.0.113.9 port 52146 ssh2',
      { 'event.name': 'authn_login_fail', 'user.name': 'root', 'event.reason': 'wrong_password' },
    ],
    [
      'Failed publickey for git from 2001:db8::5 port 1 ssh2: RSA SHA256:abc',
      {
        'event.name': 'authn_login_fail',
        'client.address': '2001:db8::5',
        'event.reason': 'publickey_rejected',
      },
    ],
    [
      'Failed none for invalid user 0 from 203.0.113.9 port 2 ssh2',
      { 'event.name': 'authn_login_fail', 'user.name': '0', 'event.reason': 'invalid_user' },
    ],
    [
      'Accepted password for alice from 192.0.2.10 port 40022 ssh2',
      {
        'event.name': 'authn_login_success',
        'event.outcome': 'success',
        'user.name': 'alice',
        'client.port': 40022,
      },
    ],
    [
      'Accepted keyboard-interactive/pam for bob from 192.0.2.11 port 3 ssh2',
      { 'event.name': 'authn_login_success', 'user.name': 'bob' },
    ],
    [
      'Invalid user oracle from 203.0.113.9 port 52150',
      {
        'event.name': 'authn_login_fail',
        'event.reason': 'invalid_user',
        'user.name': 'oracle',
        'client.port': 52150,
      },
    ],
    [
      'Illegal user jordan from 203.0.113.9',
      { 'event.name': 'authn_login_fail', 'event.reason': 'invalid_user', 'user.name': 'jordan' },
    ],
    [
      'Connection closed by authenticating user root 203.0.113.9 port 52160 [preauth]',
      {
        'event.name': 'authn_login_fail',
        'user.name': 'root',
        'client.address': '203.0.113.9',
        'event.reason': 'closed_during_auth',
      },
    ],
    [
      'Connection closed by invalid user pi 203.0.113.9 port 52161 [preauth]',
      { 'event.name': 'authn_login_fail', 'user.name': 'pi', 'event.reason': 'invalid_user' },
    ],
    [
      'Connection closed by 203.0.113.9 port 52162 [preauth]',
      {
        'event.name': 'ssh_preauth_disconnect',
        'client.address': '203.0.113.9',
        'client.port': 52162,
      },
    ],
    [
      'Disconnected from user alice 192.0.2.10 port 40022',
      { 'event.name': 'log', 'user.name': 'alice', 'client.address': '192.0.2.10' },
    ],
    [
      'Received disconnect from 203.0.113.9 port 52163:11: Bye Bye [preauth]',
      {
        'event.name': 'ssh_preauth_disconnect',
        'client.address': '203.0.113.9',
        'client.port': 52163,
      },
    ],
    [
      'error: Received disconnect from 103.99.0.122: 14: No more user authentication methods available. [preauth]',
      { 'event.name': 'ssh_preauth_disconnect', 'client.address': '103.99.0.122' },
    ],
    [
      'Received disconnect from 2001:db8::9 port 7:11: Bye Bye [preauth]',
      { 'event.name': 'ssh_preauth_disconnect', 'client.address': '2001:db8::9', 'client.port': 7 },
    ],
    [
      'Received disconnect from 2001:db8::9: 11: Bye Bye [preauth]',
      { 'event.name': 'ssh_preauth_disconnect', 'client.address': '2001:db8::9' },
    ],
    [
      'Connection closed by 2001:db8::9 port 8 [preauth]',
      { 'event.name': 'ssh_preauth_disconnect', 'client.address': '2001:db8::9', 'client.port': 8 },
    ],
    [
      'error: maximum authentication attempts exceeded for root from 203.0.113.9 port 52164 ssh2 [preauth]',
      {
        'event.name': 'authn_login_fail_max',
        'user.name': 'root',
        'client.address': '203.0.113.9',
      },
    ],
    [
      'Disconnecting: Too many authentication failures for admin [preauth]',
      { 'event.name': 'authn_login_fail_max', 'user.name': 'admin' },
    ],
    [
      'Disconnecting authenticating user root 203.0.113.9 port 5: Too many authentication failures [preauth]',
      {
        'event.name': 'authn_login_fail_max',
        'user.name': 'root',
        'client.address': '203.0.113.9',
      },
    ],
    [
      'Did not receive identification string from 198.51.100.7 port 61000',
      {
        'event.name': 'ssh_preauth_disconnect',
        'event.reason': 'no_identification_string',
        'client.address': '198.51.100.7',
      },
    ],
    [
      "Bad protocol version identification 'GET / HTTP/1.1' from 198.51.100.8 port 3",
      { 'event.name': 'ssh_preauth_disconnect', 'client.address': '198.51.100.8' },
    ],
    [
      'reverse mapping checking getaddrinfo for ns.example.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!',
      { 'event.name': 'ssh_reverse_mapping_fail', 'client.address': '173.234.31.186' },
    ],
    [
      "scanned from 198.51.100.9 with SSH-1.0-SSH_Version_Mapper.  Don't panic.",
      { 'event.name': 'malicious_attack_tool', 'client.address': '198.51.100.9' },
    ],
    [
      'fatal: Timeout before authentication for 192.168.9.212 port 47056',
      { 'event.name': 'ssh_preauth_disconnect', 'event.reason': 'login_timeout' },
    ],
    [
      'Unable to negotiate with 123.57.135.134 port 45626: no matching key exchange method found. Their offer: a,b [preauth]',
      { 'event.name': 'ssh_preauth_disconnect', 'client.address': '123.57.135.134' },
    ],
    [
      'banner exchange: Connection from 59.91.122.57 port 34388: invalid format',
      { 'event.name': 'ssh_preauth_disconnect', 'event.reason': 'bad_banner' },
    ],
    [
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root',
      { 'event.name': 'authn_login_fail', 'client.address': '203.0.113.9', 'user.name': 'root' },
    ],
    [
      'PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root',
      { 'event.name': 'authn_login_fail', 'client.address': '203.0.113.9', 'user.name': 'root' },
    ],
    [
      'pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)',
      { 'event.name': 'session_created', 'user.name': 'deploy' },
    ],
    [
      'pam_unix(sshd:session): session closed for user deploy',
      { 'event.name': 'session_expired', 'user.name': 'deploy', 'event.reason': 'logout' },
    ],
    [
      'User root from 203.0.113.9 not allowed because not listed in AllowUsers',
      { 'event.name': 'authn_login_fail', 'event.reason': 'not_allowed', 'user.name': 'root' },
    ],
    ['Server listening on 0.0.0.0 port 22.', { 'event.name': 'log' }],
  ];
  it.each(cases)('%s', (msg, want) => {
    const ev = sshd(msg);
    expect(ev).toMatchObject(want);
    expect(ev.message).toBe(msg);
  });

  it('reads the address sshd appended, not one hidden in the user name', () => {
    const ev = sshd('Invalid user x from 6.6.6.6 from 203.0.113.9 port 4');
    expect(ev['client.address']).toBe('203.0.113.9');
    expect(ev['user.name']).toBe('x from 6.6.6.6');
  });

  it('reads the whole user name of input_userauth_request (its first letter used to be lost)', () => {
    const ev = sshd('input_userauth_request: invalid user webmaster [preauth]');
    expect(ev['user.name']).toBe('webmaster');
    expect(ev['event.reason']).toBe('invalid_user');
    expect(sshd('input_userauth_request: invalid user pi')['user.name']).toBe('pi');
  });

  it('reads the common sshd shapes (user, address, port, preauth)', () => {
    const closed = sshd(
      'Connection closed by authenticating user root 203.0.113.9 port 51633 [preauth]',
    );
    expect(closed).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'root',
      'client.address': '203.0.113.9',
      'client.port': 51633,
      'event.reason': 'closed_during_auth',
    });
    expect(
      sshd('Received disconnect from 203.0.113.9 port 49477:11: Bye Bye [preauth]'),
    ).toMatchObject({
      'event.name': 'ssh_preauth_disconnect',
      'client.address': '203.0.113.9',
      'client.port': 49477,
    });
    expect(sshd('Did not receive identification string from 203.0.113.9 port 22')).toMatchObject({
      'client.address': '203.0.113.9',
      'client.port': 22,
    });
    expect(sshd('Did not receive identification string from 203.0.113.9')['client.address']).toBe(
      '203.0.113.9',
    );
    // an address that ends in `:` before the end keeps it out, as FROM_TAIL's `[:,]$` strip did
    expect(sshd('Invalid user bob from 203.0.113.9:')['client.address']).toBe('203.0.113.9');
  });

  it('unwraps "message repeated N times"', () => {
    const ev = sshd(
      'message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]',
    );
    expect(ev).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'root',
      'client.address': '5.36.59.76',
    });
    expect(ev.attributes?.['repeat.count']).toBe(5);
  });

  it('reads the old Red Hat `sshd(pam_unix)` form', () => {
    const ev = parseRfc3164(
      'Mar 13 22:50:53 combo sshd(pam_unix)[9356]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=h-67-103-15-70.example.net  user=root',
      ctx,
    )!;
    expect(ev).toMatchObject({
      'event.name': 'authn_login_fail',
      'client.address': 'h-67-103-15-70.example.net',
      'user.name': 'root',
    });
  });

  it('does not run the regexes on oversized messages', () => {
    const ev = sshd(`Invalid user ${'x'.repeat(100_000)} from 203.0.113.9`);
    expect(ev['event.name']).toBe('log');
  });
});

describe('sudo, su and mail', () => {
  const line = (prog: string, msg: string): ParsedEvent =>
    parseRfc3164(`Nov 27 09:00:00 web1 ${prog}: ${msg}`, ctx)!;
  it('maps a sudo command to authz_admin with the command', () => {
    const ev = line(
      'sudo',
      '  alice : TTY=pts/0 ; PWD=/home ; USER=root ; COMMAND=/bin/ls -la ; echo x',
    );
    expect(ev).toMatchObject({
      'event.name': 'authz_admin',
      'user.name': 'alice',
      'event.action': 'sudo',
      'event.outcome': 'success',
    });
    expect(ev.attributes).toMatchObject({
      'sudo.command': '/bin/ls -la ; echo x',
      'sudo.run_as': 'root',
      'sudo.tty': 'pts/0',
      'sudo.pwd': '/home',
    });
  });
  it('maps sudo failures', () => {
    const bad = line(
      'sudo',
      'alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home ; USER=root ; COMMAND=/bin/ls',
    );
    expect(bad).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'alice',
      'event.reason': 'incorrect_password',
    });
    expect(bad.attributes?.['sudo.failed_attempts']).toBe(3);
    const pam = line(
      'sudo',
      'pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice',
    );
    expect(pam).toMatchObject({ 'event.name': 'authn_login_fail', 'user.name': 'alice' });
    expect(pam['client.address']).toBeUndefined();
    const notIn = line(
      'sudo',
      'mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh',
    );
    expect(notIn).toMatchObject({
      'event.name': 'authz_fail',
      'event.reason': 'not_in_sudoers',
      'user.name': 'mallory',
    });
  });
  it('maps su success and failure', () => {
    expect(line('su[7]', 'Successful su for root by alice')).toMatchObject({
      'event.name': 'authn_login_success',
      'user.name': 'root',
    });
    expect(line('su[7]', 'FAILED su for root by mallory')).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'root',
    });
    expect(line('su', '- pts/2 mallory:root')).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'root',
    });
    expect(
      line(
        'su[7]',
        'pam_unix(su:auth): authentication failure; logname=mallory uid=1000 euid=0 tty=pts/2 ruser=mallory rhost=  user=root',
      ),
    ).toMatchObject({ 'event.name': 'authn_login_fail', 'user.name': 'root' });
  });
  it('maps postfix SASL and dovecot login failures', () => {
    expect(
      line(
        'postfix/smtpd[5]',
        'warning: unknown[192.0.2.1]: SASL LOGIN authentication failed: authentication failure',
      ),
    ).toMatchObject({ 'event.name': 'authn_login_fail', 'client.address': '192.0.2.1' });
    expect(
      line(
        'dovecot',
        'imap-login: Disconnected (auth failed, 1 attempts): user=<admin@example.com>, method=PLAIN, rip=192.0.2.1, lip=10.0.0.1, TLS',
      ),
    ).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'admin@example.com',
      'client.address': '192.0.2.1',
    });
  });
});

describe('RFC 5424', () => {
  const [a, b, c] = read('syslog5424.log');
  it('reads header fields and structured data into attributes', () => {
    const ev = parseRfc5424(a!, ctx)!;
    expect(ev).toMatchObject({
      time: '2026-11-27T09:00:00.003Z',
      'host.name': 'web1',
      message: 'An application event',
      severity: 'INFO',
      'log.format': 'syslog5424',
    });
    expect(ev.attributes).toMatchObject({
      'syslog.facility': 20,
      'syslog.severity': 5,
      'process.name': 'myapp',
      'process.pid': 4242,
      'syslog.msgid': 'ID47',
      'sd.exampleSDID@32473.iut': '3',
      'sd.exampleSDID@32473.eventSource': 'Application',
      'sd.exampleSDID@32473.eventID': '1011',
    });
  });
  it('interprets the app like a 3164 tag', () => {
    expect(parseRfc5424(b!, ctx)).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'root',
      'client.address': '203.0.113.9',
    });
  });
  it('handles NILVALUEs, escapes in SD values and the BOM', () => {
    const ev = parseRfc5424(c!, ctx)!;
    expect(ev.time).toBeUndefined();
    expect(ev.attributes?.['sd.meta.note']).toBe('a "quoted] value\\');
    expect(ev.attributes?.['sd.meta.sequenceId']).toBe('7');
    expect(ev.message).toBe('message after BOM');
  });
  it('rejects broken frames', () => {
    for (const l of [
      '<13>1 2026-11-27T09:00:00Z h a p m [unterminated x="1"',
      '<13>1 not-a-time h a p m - x',
      '<13>2 x',
    ])
      expect(parseRfc5424(l, ctx), l).toBeNull();
  });
  it('is reached through the syslog registry entry', () => {
    const p = createLineParser('syslog');
    expect(p.parse(b!, ctx)['log.format']).toBe('syslog5424');
  });
});
