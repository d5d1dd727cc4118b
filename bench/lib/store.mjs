// Shared setup of the benchmarks that drive the embedded store directly (compiled dist/, or the
// build LOGWARDEN_BENCH_DIST names: bench/lib/dist.mjs): bench/ledger.mjs and
// bench/store-insert.mjs. Synthetic HTTP-like events as the store's append takes them
// ({ event, body, source }), temp stores cleaned up at the end, medians.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { distModule } from './dist.mjs';

const PATHS = [
  '/api/items',
  '/api/orders/42',
  '/login',
  '/admin/users',
  '/static/app.js',
  '/health',
];
const NAMES = [
  'http_request',
  'http_request',
  'http_request',
  'authn_login_fail',
  'authz_fail',
  'log',
];

export function uuidv7(ms) {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * `n` prepared events, one ms apart from `t0`, 4 sources; `extra(i, name, status)` adds the
 * fields a benchmark wants beyond the common ones (its event size).
 */
export function makeStoreEvents(n, t0, extra = () => ({})) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const ms = t0 + i;
    const name = NAMES[i % NAMES.length];
    const status = [200, 200, 304, 404, 401, 500][i % 6];
    const e = {
      id: uuidv7(ms),
      time: new Date(ms).toISOString(),
      'event.name': name,
      ...extra(i, name, status),
      severity: status >= 500 ? 'ERROR' : 'INFO',
      message: `${['GET', 'POST'][i % 2]} ${PATHS[i % PATHS.length]} ${status}`,
      'http.request.method': ['GET', 'POST'][i % 2],
      'url.path': PATHS[i % PATHS.length],
      'http.response.status_code': status,
      'client.address': `203.0.${(i >> 8) & 255}.${i & 255}`,
      'log.source': 'http',
    };
    if (i % 3 === 0) e['user.id'] = `user${i % 500}`;
    out.push({ event: e, body: JSON.stringify(e), source: `web-${i % 4}` });
  }
  return out;
}

/** Fresh stores in temp dirs; cleanup() removes them all (close the stores first). */
export function tempStores(openSqliteStore, prefix = 'lw-bench-') {
  const dirs = [];
  return {
    open(opts = {}) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return openSqliteStore({ path: join(dir, 'events.db'), ...opts });
    },
    cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
