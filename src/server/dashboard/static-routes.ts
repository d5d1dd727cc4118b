/**
 * Serves the dashboard's static files (src/dashboard/static: one HTML shell, one script, one
 * stylesheet; no CDN, works offline) and sets the security headers of every dashboard response:
 * a strict Content-Security-Policy with no inline script or style (CSP Level 3), nosniff,
 * no referrer, no framing. Files are read once at start and served from memory with an ETag.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LogwardenError } from '../../core/errors.js';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The static folder in both layouts: beside the compiled server (dist/dashboard/static, copied
 * by the build) or, when running from dist/ without the copy or from src/ under vitest, the
 * source folder.
 */
export function findStaticDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '../../dashboard/static'),
    path.resolve(here, '../../../src/dashboard/static'),
  ];
  const dir = candidates.find((d) => existsSync(path.join(d, 'index.html')));
  if (!dir)
    throw new LogwardenError(
      'LW_INTERNAL',
      `dashboard files not found (looked in ${candidates.join(', ')}): reinstall logwarden or set dashboard.enabled: false`,
    );
  return dir;
}

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

function loadAssets(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const f of readdirSync(dir)) {
    const type = TYPES[path.extname(f)];
    if (!type) continue;
    const body = readFileSync(path.join(dir, f));
    out.set(f, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
    });
  }
  return out;
}

const isDashboardUrl = (url: string): boolean => url === '/' || url.startsWith('/ui');

export function registerStaticRoutes(app: FastifyInstance, dir = findStaticDir()): void {
  const assets = loadAssets(dir);
  app.addHook('onSend', async (request, reply, payload) => {
    if (!isDashboardUrl(request.url)) return payload;
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (request.url.startsWith('/ui/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  const send = (name: string) => {
    const a = assets.get(name);
    if (!a)
      throw new LogwardenError('LW_INTERNAL', `dashboard file ${name} is missing from ${dir}`);
    return a;
  };
  app.get('/', async (_request, reply) => reply.redirect('/ui/', 302));
  const shell = async (request: FastifyRequest, reply: FastifyReply) => {
    const a = send('index.html');
    reply.header('cache-control', 'no-cache');
    reply.header('etag', a.etag);
    if (request.headers['if-none-match'] === a.etag) return reply.code(304).send();
    return reply.type(a.type).send(a.body);
  };
  // Every page is the same shell; the script routes on location.hash.
  // Alert links in notifications are <dashboard_url>/alerts/<id> (src/alerting/message.ts).
  app.get('/alerts/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new LogwardenError('LW_NOT_FOUND', 'no such alert');
    return reply.redirect(`/ui/#/alerts/${id}`, 302);
  });
  app.get('/ui', async (_request, reply) => reply.redirect('/ui/', 302));
  app.get('/ui/', shell);
  app.get('/ui/assets/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    const a = assets.get(file);
    if (!a || file === 'index.html')
      throw new LogwardenError('LW_NOT_FOUND', `no dashboard asset ${file.slice(0, 80)}`);
    reply.header('cache-control', 'no-cache');
    reply.header('etag', a.etag);
    if (request.headers['if-none-match'] === a.etag) return reply.code(304).send();
    return reply.type(a.type).send(a.body);
  });
}
