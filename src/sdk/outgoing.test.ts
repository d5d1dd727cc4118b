import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../core/event.js';
import { createRedactor } from '../core/redact.js';
import { createEventPreparer, createEventSerializer } from './outgoing.js';
import { mulberry32 } from '../../test/helpers/prng.js';

const events = (): SecurityEvent[] => [
  {
    id: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a',
    time: '2026-11-27T09:00:00.000Z',
    'event.name': 'authn_login_fail',
    'user.id': 'bob',
    message: undefined,
  },
  {
    id: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5b',
    time: '2026-11-27T09:00:00.000Z',
    'event.name': 'authn_login_fail',
    'user.id': 'eve\r\n[INFO] forged\u001b[2J',
    'user_agent.original': 'bidi \u202e trick \ud800',
    'http.response.status_code': 401,
    attributes: {
      password: 'hunter2',
      'key\n': ['a\rb', 4111111111111111],
      nested: { token: 'abc', ok: 'fine' },
    },
  },
  {
    id: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5c',
    time: 't',
    'event.name': 'log',
    message: 'card 4111 1111 1111 1111 used',
    'session.id': 'raw-session',
  },
];

describe('event serializer', () => {
  it('produces exactly the JSON of the prepared (redacted, neutralized) event', () => {
    const redactor = createRedactor();
    const prepare = createEventPreparer(redactor);
    const serialize = createEventSerializer(redactor);
    const a = events().map((e) => JSON.stringify(prepare(e)));
    const b = events().map((e) => serialize(e));
    expect(b).toEqual(a);
    for (const line of b) {
      expect(line).not.toMatch(/[\r\n\u001b\u202e]/);
      expect(line).not.toContain('hunter2');
      expect(line).not.toContain('raw-session');
      JSON.parse(line);
    }
  });
});

describe('event serializer fast path', () => {
  // Characters on both sides of every boundary of the printable-ASCII fast path and of CWE-117.
  const ALPHABET = [
    'a',
    ' ',
    '!',
    '"',
    '#',
    '[',
    '\\',
    ']',
    '~',
    '\u007f',
    '\u0080',
    '\u009f',
    '\u00a0',
    '\u00e9',
    '\n',
    '\r',
    '\t',
    '\u0000',
    '\u001b',
    '\u001f',
    '\u2028',
    '\u2029',
    '\u202a',
    '\u202e',
    '\u2066',
    '\u2069',
    '\u4e2d',
    '\ud83d\ude00',
    '\ud800',
    '\udc00',
    '\ufffd',
    '/',
    '<',
    '=',
  ];
  // Seeded so a failure reproduces; reseeded per event so both serializers get the same strings.
  let rand = mulberry32(0x5eed);
  const randomString = (): string => {
    let s = '';
    const n = Math.floor(rand() * 12);
    for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)]!;
    return s;
  };

  it('matches prepare + JSON.stringify on 5,000 events of generated strings', () => {
    const redactor = createRedactor();
    const prepare = createEventPreparer(redactor);
    const serialize = createEventSerializer(redactor);
    let escaped = 0;
    for (let i = 0; i < 5000; i++) {
      const make = (): SecurityEvent => ({
        id: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a',
        time: '2026-11-27T09:00:00.000Z',
        'event.name': 'log',
        message: randomString(),
        'user.id': randomString(),
        'url.path': '/' + randomString(),
        attributes: { [randomString()]: randomString() },
      });
      rand = mulberry32(0x5eed + i);
      const a = JSON.stringify(prepare(make()));
      rand = mulberry32(0x5eed + i);
      const b = serialize(make());
      expect(b).toBe(a);
      expect(b).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      expect(JSON.parse(b)).toEqual(JSON.parse(a));
      if (b.includes('\\\\x') || b.includes('\\\\u')) escaped++;
    }
    // the generator does reach the escaping path, not only the fast one
    expect(escaped).toBeGreaterThan(1000);
  });
});
