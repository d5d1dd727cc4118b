import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../core/event.js';
import { createRedactor } from '../core/redact.js';
import { createEventPreparer, createEventSerializer } from './outgoing.js';

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
