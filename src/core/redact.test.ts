import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from './event.js';
import { LogwardenError } from './errors.js';
import { createRedactor } from './redact.js';
import { luhnValid } from './redact-patterns.js';

const r = createRedactor();
const red = (s: string) => {
  const names: string[] = [];
  return { out: r.redactString(s, names), names };
};

describe('pattern redaction', () => {
  it.each([
    [
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_part-1',
      'pattern:jwt',
      'eyJhbGci',
    ],
    ['auth Bearer 9f8e7d6c5b4a39281706', 'pattern:bearer', '9f8e7d6c'],
    ['Basic YWxpY2U6cGFzc3dvcmQ=', 'pattern:bearer', 'YWxpY2U6'],
    ['GET /login?user=bob&password=hunter2&x=1', 'pattern:secret_param', 'hunter2'],
    ['{"api_key": "abcd1234efgh"}', 'pattern:secret_param', 'abcd1234'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'pattern:aws_key', 'AKIAIOSFODNN7EXAMPLE'],
    [
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- tail',
      'pattern:private_key',
      'MIIEow',
    ],
    ['paid 4111 1111 1111 1111 today', 'pattern:card', '4111'],
    ['amex 378282246310005.', 'pattern:card', '378282246310005'],
    ['pan 5555-5555-5555-4444 12', 'pattern:card', '5555'],
  ])('%s', (input, name, secret) => {
    const { out, names } = red(input);
    expect(names).toContain(name);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED:');
  });

  it.each([
    'order 4111111111111112 shipped', // fails Luhn
    'ts 1764234000123 and 17642340001234', // epoch ms: first digit 1
    'Basic authentication failed for bob',
    'Bearer authentication required',
    'tokenid=abc123 token_count 5',
    'nothing secret here: 12345',
    'uuid 0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a',
  ])('leaves %s alone', (input) => {
    expect(red(input)).toEqual({ out: input, names: [] });
  });

  it('checks Luhn properly', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
  });
});

describe('field redaction and configuration', () => {
  it('redacts sensitive keys at any depth inside attributes, case- and separator-insensitively', () => {
    const e = {
      id: 'x',
      time: 't',
      'event.name': 'log',
      attributes: {
        user: { DB_Password: 'p', 'X-Api-Key': 'k', access_token: 't', tokenid: 'keep' },
        list: [{ 'set-cookie': 'a=b' }],
        ok: 1,
      },
    } as unknown as SecurityEvent;
    const names = r.redactEvent(e);
    expect(e.attributes).toEqual({
      user: {
        DB_Password: '[REDACTED:dbpassword]',
        'X-Api-Key': '[REDACTED:xapikey]',
        access_token: '[REDACTED:accesstoken]',
        tokenid: 'keep',
      },
      list: [{ 'set-cookie': '[REDACTED:setcookie]' }],
      ok: 1,
    });
    expect(names).toEqual([
      'field:attributes.user.DB_Password',
      'field:attributes.user.X-Api-Key',
      'field:attributes.user.access_token',
      'field:attributes.list.set-cookie',
    ]);
  });

  it('supports replacing the field list, allow-listing and extra patterns; bad patterns fail at creation', () => {
    const custom = createRedactor({
      fields: ['ssn'],
      allowFields: [],
      extraPatterns: [{ name: 'employee', pattern: 'EMP-\\d{6}' }],
    });
    const e = {
      id: 'x',
      time: 't',
      'event.name': 'log',
      message: 'by emp-123456',
      attributes: { ssn: '1', password: 'kept: not in list' },
    } as unknown as SecurityEvent;
    expect(custom.redactEvent(e)).toEqual(['pattern:employee', 'field:attributes.ssn']);
    expect(e.message).toBe('by [REDACTED:employee]');
    expect(e.attributes).toEqual({ ssn: '[REDACTED:ssn]', password: 'kept: not in list' });
    expect(() => createRedactor({ extraPatterns: [{ name: 'bad', pattern: '(' }] })).toThrow(
      LogwardenError,
    );
    expect(() => createRedactor({ extraPatterns: [{ name: 'empty', pattern: 'x*' }] })).toThrow(
      /empty string/,
    );
    const allow = createRedactor({ allowFields: ['token_count'] });
    const a = {
      id: 'x',
      time: 't',
      'event.name': 'log',
      attributes: { token_count: 3, token: 'abc' },
    } as unknown as SecurityEvent;
    allow.redactEvent(a);
    expect(a.attributes).toEqual({ token_count: 3, token: '[REDACTED:token]' });
  });

  it('hashes session ids, keyed when configured', () => {
    const e = { id: 'x', time: 't', 'event.name': 'log', 'session.id': 'abc' } as SecurityEvent;
    createRedactor({ sessionHashKey: 'k' }).redactEvent(e);
    expect(e['session.id']).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
  });
});

describe('what redaction leaves alone', () => {
  it("keeps sudo's working directory but still redacts a pwd= secret", () => {
    const sudo = red('sudo:  alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls');
    expect(sudo.out).toContain('PWD=/home/alice');
    expect(sudo.names).toEqual([]);
    const secret = red('login pwd=hunter2 from app');
    expect(secret.out).not.toContain('hunter2');
    expect(secret.names).toContain('pattern:secret_param');
  });
});
