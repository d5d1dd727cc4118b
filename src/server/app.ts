/**
 * The Fastify app: routes, auth, errors as `{ code, message }`, metrics. Built once with all
 * its parts (Fastify principle: decorate before start), started and stopped by the runtime.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { LogwardenError } from '../core/errors.js';
import type { EventStore } from '../storage/types.js';
import { registerReadRoutes } from './api/read-routes.js';
import { createAuthenticate } from './auth/authenticate.js';
import type { TokenStore } from './auth/token-store.js';
import { clientAddress } from './client-address.js';
import type { CommitFeed } from './commit-feed.js';
import type { InflightBudget } from './ingest/budget.js';
import { registerIngestRoute, type PrepareResult } from './ingest/route.js';
import type { ServerMetrics } from './metrics.js';

export interface AppOptions {
  readonly server: {
    readonly max_body_bytes: number;
    readonly max_item_bytes: number;
    readonly max_batch_items: number;
    readonly retry_after_secs: number;
    readonly metrics_public: boolean;
    readonly request_timeout_secs: number;
    /** Proxies whose X-Forwarded-For is believed (server.trust_proxy); none when absent. */
    readonly trust_proxy?: readonly string[];
  };
  readonly store: EventStore;
  readonly tokens: TokenStore;
  readonly prepare: (input: unknown, source: string) => PrepareResult;
  readonly budget: InflightBudget;
  readonly metrics: ServerMetrics;
  readonly feed: CommitFeed;
  readonly logger: Logger;
  readonly isDraining: () => boolean;
}

const AUTH_CODES = new Set(['LW_AUTH_REQUIRED', 'LW_AUTH_INVALID', 'LW_FORBIDDEN']);

/** At most `perSec` lines a second; the count of suppressed lines is logged with the next one. */
function createRateLimitedLog(logger: Logger, perSec: number): (obj: object, msg: string) => void {
  let windowStart = 0;
  let inWindow = 0;
  let suppressed = 0;
  return (obj, msg) => {
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      inWindow = 0;
    }
    if (++inWindow > perSec) {
      suppressed++;
      return;
    }
    logger.warn(suppressed > 0 ? { ...obj, suppressed } : obj, msg);
    suppressed = 0;
  };
}

function errorBody(e: LogwardenError): {
  code: string;
  message: string;
  details?: Record<string, unknown>;
} {
  return e.toJSON();
}

/**
 * @example
 * const app = buildApp({ ... }); await app.listen({ host: '127.0.0.1', port: 0 });
 */
export function buildApp(o: AppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: o.logger as FastifyBaseLogger,
    // Request logs would carry URLs and timings only, but one line per ingest batch is noise;
    // errors are logged by the error handler below (never bodies nor headers).
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Bounds how long a slow (or slowloris) sender can hold a reservation of the in-flight budget.
    requestTimeout: o.server.request_timeout_secs * 1000,
    forceCloseConnections: 'idle',
    bodyLimit: 1024 * 1024, // JSON bodies of non-ingest routes; ingest reads its own body
    // request.ip (read through clientAddress) follows X-Forwarded-For only from these peers.
    trustProxy: o.server.trust_proxy?.length ? [...o.server.trust_proxy] : false,
  });
  const authenticate = createAuthenticate(o.tokens);

  app.addHook('onResponse', async (request, reply) => {
    o.metrics.requestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  // While draining, every answer closes its connection: an idle keep-alive socket would
  // otherwise hold the shutdown until its keep-alive timeout.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (o.isDraining()) reply.header('connection', 'close');
    return payload;
  });

  const authLog = createRateLimitedLog(o.logger, 10);
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof LogwardenError) {
      if (AUTH_CODES.has(error.code)) {
        // Failed authentication is a security event of our own: counted, and logged (rate-limited,
        // never the presented credential) with the client address.
        o.metrics.authFailures.inc({ code: error.code });
        authLog(
          { code: error.code, client: clientAddress(request), route: request.routeOptions.url },
          'authentication failed',
        );
      }
      if (error.httpStatus >= 500)
        request.log.error({ code: error.code, msg: error.message }, 'request failed');
      return reply.code(error.httpStatus).send(errorBody(error));
    }
    const e = error as { statusCode?: number; code?: string; message: string };
    if (e.statusCode !== undefined && e.statusCode < 500) {
      const code =
        e.statusCode === 413
          ? 'LW_BODY_TOO_LARGE'
          : e.statusCode === 415
            ? 'LW_UNSUPPORTED_MEDIA'
            : 'LW_USAGE';
      return reply.code(e.statusCode).send({ code, message: e.message });
    }
    request.log.error({ err: error }, 'internal error');
    return reply
      .code(500)
      .send({ code: 'LW_INTERNAL', message: 'internal error (logged on the server)' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      code: 'LW_NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (o.isDraining()) return reply.code(503).send({ status: 'draining' });
    return { status: 'ready', events: o.store.size() };
  });
  app.get('/metrics', async (request, reply) => {
    if (!o.server.metrics_public) authenticate(request, 'read', reply);
    reply.type(o.metrics.registry.contentType);
    return o.metrics.registry.metrics();
  });

  registerIngestRoute(app, {
    store: o.store,
    budget: o.budget,
    metrics: o.metrics,
    prepare: o.prepare,
    limits: {
      maxBodyBytes: o.server.max_body_bytes,
      maxItemBytes: o.server.max_item_bytes,
      maxBatchItems: o.server.max_batch_items,
    },
    retryAfterSecs: o.server.retry_after_secs,
    isDraining: o.isDraining,
    onCommitted: (maxSeq) => o.feed.committed(maxSeq),
    authenticate: (request, reply) => authenticate(request, 'ingest', reply).name,
  });
  registerReadRoutes(app, { store: o.store, authenticate });
  return app;
}
