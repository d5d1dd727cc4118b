// Synthetic events of about `size` bytes of JSON each, unique ids, realistic field mix.
import { randomUUID } from 'node:crypto';

const NAMES = [
  'authn_login_fail',
  'authn_login_success',
  'authz_fail',
  'http_request',
  'input_validation_fail',
];
const PATHS = ['/login', '/api/orders', '/admin/users', '/search', '/static/app.js'];

export function makeEvents(count, size = 300) {
  const out = [];
  const t0 = Date.now() - 60_000;
  for (let i = 0; i < count; i++) {
    const e = {
      id: randomUUID(),
      time: new Date(t0 + i).toISOString(),
      'event.name': NAMES[i % NAMES.length],
      'client.address': `198.51.100.${i % 250}`,
      'user.id': `user${i % 997}`,
      'http.request.method': 'POST',
      'url.path': PATHS[i % PATHS.length],
      'http.response.status_code': 200 + (i % 3) * 100,
      'service.name': 'shop',
    };
    const len = Buffer.byteLength(JSON.stringify(e));
    if (len < size) e.message = 'm'.repeat(size - len - 14);
    out.push(e);
  }
  return out;
}

/** Split into NDJSON bodies of `perBatch` events. */
export function ndjsonBatches(events, perBatch) {
  const bodies = [];
  for (let i = 0; i < events.length; i += perBatch) {
    bodies.push(
      Buffer.from(
        events
          .slice(i, i + perBatch)
          .map((e) => JSON.stringify(e))
          .join('\n') + '\n',
      ),
    );
  }
  return bodies;
}
