/**
 * `logwarden/fastify`: the Fastify 5 plugin. Same behaviour as the Express integration:
 * context per request, route templates (`routeOptions.url`), `authz_fail` on 401/403,
 * `input_validation_fail` on schema validation errors, unhandled errors recorded and answered
 * with a generic 500, optional request sampling and `isBlocked` enforcement.
 *
 * @example
 * import Fastify from 'fastify';
 * import { fastifySecurity } from 'logwarden/fastify';
 * const app = Fastify();
 * await app.register(fastifySecurity(logger, { requests: { sample: 0.01 } }));
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from './context.js';
import { markEmitted, runWithContext } from './context.js';
import type { SecurityLogger } from './logger.js';
import type { HttpSecurityOptions } from './request-hooks.js';
import {
  compileHttpOptions,
  contextFromRequest,
  decideBlocked,
  onResponseFinished,
  pathOf,
  recordBlocked,
  recordUnhandledError,
} from './request-hooks.js';

export type { HttpSecurityOptions } from './request-hooks.js';

export interface FastifySecurityOptions extends HttpSecurityOptions {
  /** Install an error handler that answers 5xx generically (no message, no stack). Default true. */
  errorHandler?: boolean;
}

const kCtx = Symbol('logwarden.context');
type WithCtx = FastifyRequest & { [kCtx]?: RequestContext };

/**
 * Builds the plugin. Throws LW_SDK_CONFIG on a bad option. Hooks apply to the whole instance
 * (the plugin skips Fastify's encapsulation, as fastify-plugin would).
 */
export function fastifySecurity(
  logger: SecurityLogger,
  options: FastifySecurityOptions = {},
): (app: FastifyInstance, _opts: unknown, done: (err?: Error) => void) => void {
  const { errorHandler = true, ...http } = options;
  const o = compileHttpOptions('fastifySecurity', http);

  function plugin(app: FastifyInstance, _opts: unknown, done: (err?: Error) => void): void {
    app.addHook('onRequest', (request, reply, next) => {
      let ctx: RequestContext;
      try {
        ctx = contextFromRequest(
          logger,
          o,
          request.raw,
          pathOf(request.url),
          () => request.routeOptions.url,
        );
        (request as WithCtx)[kCtx] = ctx;
        if (o.requestIdHeader !== false) void reply.header(o.requestIdHeader, ctx.requestId);
      } catch (e) {
        logger.recordInternalError(e);
        return next();
      }
      // The rest of the lifecycle runs inside this call, so it sees the context
      // (the approach of @fastify/request-context).
      runWithContext(ctx, () => {
        if (o.isBlocked === undefined) return next();
        decideBlocked(logger, o, ctx).then(
          (blocked) => {
            if (!blocked) return runWithContext(ctx, () => next());
            recordBlocked(logger, ctx);
            void reply.code(403).send({ error: 'forbidden', request_id: ctx.requestId });
          },
          () => runWithContext(ctx, () => next()),
        );
      });
    });

    app.addHook('onError', (request, _reply, error, next) => {
      const ctx = (request as WithCtx)[kCtx];
      try {
        if (ctx !== undefined) {
          const fe = error as FastifyError;
          if (fe.validation !== undefined) {
            const fields = fe.validation.map((v) =>
              (
                v.instancePath ||
                (v.params as { missingProperty?: string })?.missingProperty ||
                fe.validationContext ||
                ''
              )
                .replace(/^\//, '')
                .replace(/\//g, '.'),
            );
            runWithContext(ctx, () =>
              logger.emit(
                'input_validation_fail',
                { fields: [...new Set(fields.filter((f) => f !== ''))] },
                {
                  message: fe.message.slice(0, 500),
                  fields: {
                    'event.reason': 'schema',
                    'http.response.status_code': fe.statusCode ?? 400,
                  },
                },
              ),
            );
            markEmitted(ctx, 'input_validation_fail');
          } else if ((fe.statusCode ?? 500) >= 500) {
            recordUnhandledError(logger, ctx, error, fe.statusCode ?? 500);
          }
        }
      } catch (e) {
        logger.recordInternalError(e);
      }
      next();
    });

    app.addHook('onResponse', (request, reply, next) => {
      const ctx = (request as WithCtx)[kCtx];
      if (ctx !== undefined) {
        if (ctx.route === undefined) ctx.route = request.routeOptions.url;
        onResponseFinished(logger, o, ctx, reply.statusCode, reply.elapsedTime);
      }
      next();
    });

    if (errorHandler) {
      app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        const status =
          error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode <= 599
            ? error.statusCode
            : 500;
        const requestId = (request as WithCtx)[kCtx]?.requestId;
        if (status >= 500)
          return reply.code(status).send({ error: 'internal_error', request_id: requestId });
        // 4xx from Fastify itself (validation, bad JSON, body too large) describe the request, not internals.
        return reply.code(status).send({
          error: error.code ?? 'bad_request',
          message: error.message,
          request_id: requestId,
        });
      });
    }
    done();
  }
  // Same effect as fastify-plugin: hooks reach every route, not just this plugin's scope.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
