/**
 * Event fixtures for the store contract: realistic SecurityEvents serialized with JSON.stringify
 * (the store must not care how a body was serialized), generated, never copied from ../shared.
 */
import { randomBytes } from 'node:crypto';
import type { SecurityEvent } from '../../src/core/event.js';
import type { PreparedEvent } from '../../src/storage/types.js';

/** A UUIDv7 (RFC 9562 §5.7) for `ms`: time-ordered like the SDK's ids. */
export function uuidv7(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = ((b[6] as number) & 0x0f) | 0x70;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function prepared(event: SecurityEvent, source = 'test-source'): PreparedEvent {
  return { event, body: JSON.stringify(event), source };
}

const NAMES = [
  'http_request',
  'authn_login_fail',
  'authz_fail',
  'log',
  'input_validation_fail',
] as const;
const CATEGORY: Record<string, string> = {
  http_request: 'http',
  authn_login_fail: 'authn',
  authz_fail: 'authz',
  log: 'log',
  input_validation_fail: 'input',
};
const PATHS = [
  '/api/items',
  '/admin/users',
  '/login',
  '/health',
  '/admin/settings',
  '/static/app.js',
];
const IPS = [
  '203.0.113.9',
  '10.1.2.3',
  '10.200.0.1',
  '192.168.1.77',
  '2001:db8::1',
  '2001:db9::5',
  '198.51.100.20',
];

/** A varied, deterministic-by-index event at `timeMs` (fields drawn from small pools). */
export function sampleEvent(i: number, timeMs: number): SecurityEvent {
  const name = NAMES[i % NAMES.length] as string;
  const status = [200, 404, 500, 403, 302, 401][i % 6] as number;
  const e: SecurityEvent = {
    id: uuidv7(timeMs),
    time: new Date(timeMs).toISOString(),
    'event.name': name,
    'event.category': CATEGORY[name] as string,
    'event.outcome': status < 400 ? 'success' : 'failure',
    severity: (['INFO', 'WARN', 'CRITICAL', 'INFO', 'ERROR'] as const)[i % 5],
    message: `${['GET', 'POST', 'DELETE'][i % 3]} ${PATHS[i % PATHS.length]} answered ${status} ${i % 7 === 0 ? 'suspicious sqlmap probe' : 'normal traffic'}`,
    'http.request.method': (['GET', 'POST', 'DELETE'] as const)[i % 3],
    'url.path': PATHS[i % PATHS.length] as string,
    'http.response.status_code': status,
    'client.address': IPS[i % IPS.length] as string,
    'log.source': 'http',
  };
  if (i % 3 !== 0) e['user.id'] = `user${i % 4}`;
  if (name === 'log' && i % 2 === 0) e['log.format'] = 'combined';
  if (i % 11 === 0) e['log.original'] = `raw line ${i} with needle-${i % 2 === 0 ? 'even' : 'odd'}`;
  if (i % 5 === 1) e.attributes = { tenant: i % 2 === 0 ? 'acme' : 'globex' };
  return e;
}
