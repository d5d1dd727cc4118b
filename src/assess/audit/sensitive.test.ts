import { describe, expect, it } from 'vitest';
import { scanControl } from './control-chars.js';
import { scanSensitive } from './sensitive.js';

describe('scanSensitive', () => {
  it('finds each kind and masks it', () => {
    const cases: Array<[string, string, string]> = [
      ['GET /login?user=bob&password=hunter2xyz', 'secret', 'hunter2xyz'],
      ['Authorization: Bearer abcdef0123456789abcdef', 'secret', 'abcdef0123456789abcdef'],
      ['paid with 5500-0000-0000-0004 today', 'card', '5500-0000-0000-0004'],
      ['Cookie: PHPSESSID=q8f7d6s5a4q3w2e1r0t9', 'session', 'q8f7d6s5a4q3w2e1r0t9'],
      ['mail to jane.doe+news@mail.example.com bounced', 'email', 'jane.doe+news@mail.example.com'],
      ['ssn 123-45-6789 on file', 'national_id', '123-45-6789'],
    ];
    for (const [line, kind, secret] of cases) {
      const hit = scanSensitive(line);
      expect(hit?.kinds, line).toContain(kind);
      expect(hit!.masked, line).not.toContain(secret);
      expect(hit!.masked).toContain('[REDACTED:');
    }
  });

  it('leaves look-alikes alone', () => {
    for (const line of [
      'order 4111111111111112 shipped', // fails the Luhn check
      'Nov 27 10:02:00 web1 sudo: deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root',
      'Failed password for invalid user admin from 192.0.2.1 port 22 ssh2',
      '2026-11-27 09:00:01 GET /products/12 200',
      'sid=short', // too short to be a session id
      'date 2026-11-27 and 000-12-3456', // not a valid SSN area
    ])
      expect(scanSensitive(line), line).toBeUndefined();
  });

  it('masks the whole excerpt, keeps it short and printable', () => {
    const hit = scanSensitive(
      `${'x'.repeat(500)} password=topsecret1 \u001b[2J ${'y'.repeat(500)}`,
    )!;
    expect(hit.masked.length).toBeLessThanOrEqual(162);
    expect(hit.masked).toContain('password=[REDACTED:secret]');
    expect(hit.masked).not.toMatch(/\u001b/);
  });
});

describe('scanControl', () => {
  const ev = (extra: Record<string, unknown> = {}) =>
    ({ 'event.name': 'log', 'log.format': 'json', 'log.original': '', ...extra }) as never;
  it('finds raw and decoded control characters and encoded CR/LF', () => {
    expect(scanControl('a \u001b[31m red', ev())).toEqual(['ansi_escape']);
    expect(scanControl('a \u0007 bell', ev())).toEqual(['control_char']);
    expect(scanControl('{"msg":"a\\nb"}', ev({ message: 'a\nb' }))).toEqual(['crlf_in_field']);
    expect(
      scanControl('GET /x?u=a%0d%0aINFO', ev({ 'url.path': '/x', 'url.query': 'u=a%0d%0aINFO' })),
    ).toEqual(['encoded_crlf']);
    expect(scanControl('plain line\r', ev())).toEqual([]); // a CRLF terminator is not injection
    expect(scanControl('tab\tseparated', ev())).toEqual([]);
  });
});
