/**
 * The OTLP/HTTP logs receiver as a server component (config `sources.otlp`): adds POST /v1/logs
 * to the HTTP API, storing through the shared ingest sink.
 */
import type { Config } from '../../config/index.js';
import { registerOtlpRoute } from '../ingest/otlp-route.js';
import type { Component } from '../runtime.js';
import { sourcesShared } from './sources-shared.js';

export function createOtlpComponent(config: Config): Component | undefined {
  if (!config.sources.otlp.enabled) return undefined;
  return {
    name: 'otlp',
    async start(ctx) {
      const { sink, budget } = sourcesShared(ctx);
      ctx.routes.push((app, authenticate) =>
        registerOtlpRoute(app, {
          sink,
          budget,
          retryAfterSecs: ctx.config.server.retry_after_secs,
          metrics: ctx.metrics,
          maxBodyBytes: ctx.config.server.max_body_bytes,
          maxBatchItems: ctx.config.server.max_batch_items,
          maxAttributes: ctx.config.server.max_fields,
          isDraining: ctx.draining,
          authenticate: (request, reply) => authenticate(request, 'ingest', reply).name,
        }),
      );
    },
    async stop() {},
  };
}
