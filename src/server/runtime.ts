/**
 * The runtime: opens the store, builds the components, starts them in order and stops them in
 * reverse. Later features (OTLP receiver, syslog, detection, ledger checkpointer, dashboard) are
 * components: `{ name, start(ctx), stop() }` added to the list, fed by the commit feed.
 */
import pino, { type Logger } from 'pino';
import type { Config } from '../config/index.js';
import { parseListen, retentionPolicy } from '../config/index.js';
import { LogwardenError } from '../core/errors.js';
import { createRedactor } from '../core/redact.js';
import { prepareEvent } from '../core/prepare.js';
import type { EventStore } from '../storage/types.js';
import { buildApp } from './app.js';
import type { TokenStore } from './auth/token-store.js';
import { openDataDir } from './data-dir.js';
import { createCommitFeed, type CommitFeed } from './commit-feed.js';
import type { PrepareResult } from './ingest/route.js';
import { createServerMetrics, type ServerMetrics } from './metrics.js';
import type { FastifyInstance } from 'fastify';
import { createAuthenticate, type Authenticate } from './auth/authenticate.js';
import type { AlertStore } from '../detection/alerts/alert-store.js';
import { createAlertBus, type AlertBus } from './components/alert-bus.js';
import { createDetectionComponent } from './components/detection.js';
import { createDashboardComponent } from './components/dashboard.js';
import { createLedgerComponent } from './components/ledger.js';
import { createReplicaComponent } from './replica/component.js';
import { createFilesComponent } from './components/sources-files.js';
import { createOtlpComponent } from './components/sources-otlp.js';
import { sourcesShared } from './components/sources-shared.js';
import { createSyslogComponent } from './components/sources-syslog.js';
import { createAlertingComponent } from './components/alerting.js';

/** Routes a component adds to the HTTP API; registered before it listens (HTTP starts last). */
export type RouteRegistrar = (app: FastifyInstance, authenticate: Authenticate) => void;

/** What components expose to each other once started. */
export interface Services {
  /** The alert store (set by the detection component). */
  alerts?: AlertStore;
}

/** What every component can use. */
export interface RuntimeContext {
  readonly config: Config;
  readonly store: EventStore;
  readonly tokens: TokenStore;
  readonly feed: CommitFeed;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  /** True once stop() began: components refuse new work. */
  readonly draining: () => boolean;
  /** New and updated alerts: detection publishes; alerting and the dashboard listen. */
  readonly bus: AlertBus;
  /** Routes components add to the HTTP API. */
  readonly routes: RouteRegistrar[];
  readonly services: Services;
}

/** A part of the running server (HTTP API, pruner, receivers, detection...). */
export interface Component {
  readonly name: string;
  start(ctx: RuntimeContext): Promise<void>;
  /** Finish in-flight work and release resources. Called once, in reverse start order. */
  stop(): Promise<void>;
}

export interface Runtime {
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * While stop() runs: what it is still waiting for (the component being stopped, or the store
   * and its uncommitted writes), for a shutdown that overruns its deadline to say so.
   */
  pending(): string[];
  /** The HTTP address once started (port resolved when 0 was asked). */
  readonly url: string | undefined;
  readonly context: RuntimeContext;
}

export interface RuntimeOptions {
  readonly config: Config;
  readonly logger?: Logger;
  /** Extra components, started after the built-in ones. */
  readonly components?: readonly Component[];
}

function httpComponent(onListening: (url: string) => void, timeoutSecs: () => number): Component {
  let app: ReturnType<typeof buildApp> | undefined;
  return {
    name: 'http',
    async start(ctx) {
      const s = ctx.config.server;
      const redactor = createRedactor({
        extraFields: ctx.config.redaction.fields,
        extraPatterns: ctx.config.redaction.patterns.map((p) => ({
          name: p.name,
          pattern: p.regex,
        })),
      });
      const limits = {
        maxItemBytes: s.max_item_bytes,
        maxFields: s.max_fields,
        maxDepth: s.max_depth,
      };
      const prepare = (input: unknown, source: string): PrepareResult =>
        prepareEvent(input, { source, logSource: 'http', limits, redactor }) as PrepareResult;
      app = buildApp({
        server: s,
        store: ctx.store,
        tokens: ctx.tokens,
        prepare,
        // Shared with syslog, OTLP and files: one bound on what awaits commit.
        budget: sourcesShared(ctx).budget,
        metrics: ctx.metrics,
        feed: ctx.feed,
        logger: ctx.logger,
        isDraining: ctx.draining,
      });
      const authenticate = createAuthenticate(ctx.tokens);
      for (const register of ctx.routes) register(app, authenticate);
      const { host, port } = parseListen(s.listen, 'server.listen');
      const url = await app.listen({ host, port }).catch((e: NodeJS.ErrnoException) => {
        throw new LogwardenError(
          'LW_UNAVAILABLE',
          `server.listen ${s.listen}: ${e.code ?? e.message}`,
          { cause: e },
        );
      });
      onListening(url);
    },
    async stop() {
      if (!app) return;
      // app.close() stops accepting, answers 503 on kept-alive connections and waits for the
      // in-flight requests (whose events then commit) up to the shutdown timeout.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          app?.server.closeAllConnections();
          resolve();
        }, timeoutSecs() * 1000);
      });
      await Promise.race([app.close(), timeout]);
      clearTimeout(timer);
    },
  };
}

function retentionComponent(): Component {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  return {
    name: 'retention',
    async start(ctx) {
      const policy = retentionPolicy(ctx.config.retention);
      const run = () => {
        running ??= ctx.store
          .prune(policy, Date.now())
          .then((pruned) => {
            if (pruned > 0) ctx.logger.info({ pruned }, 'retention pruned event bodies');
          })
          .catch((e: unknown) => ctx.logger.error({ err: e }, 'retention pruning failed'))
          .finally(() => (running = undefined));
      };
      timer = setInterval(run, ctx.config.retention.interval_secs * 1000);
      timer.unref();
      run();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The literal registry of built-in components (STYLE habit 3), started in this order before the
 * HTTP API and stopped after it. A factory returns undefined when its config section disables it.
 * Receivers (syslog, OTLP), detection, the ledger checkpointer and forwarders are added here.
 */
export const BUILTIN_COMPONENTS: Readonly<
  Record<string, (config: Config) => Component | undefined>
> = {
  retention: () => retentionComponent(),
  // Before the sources: stopped after them, so it signs everything they committed.
  ledger: (config) => (config.ledger.enabled ? createLedgerComponent() : undefined),
  replica: (config) =>
    config.replication.role === 'replica' ? createReplicaComponent() : undefined,
  // Before detection: subscribed to the bus before detection replays, so no alert is missed.
  alerting: (config) => (config.alerting.enabled ? createAlertingComponent() : undefined),
  detection: (config) => (config.detection.enabled ? createDetectionComponent() : undefined),
  dashboard: (config) => (config.dashboard.enabled ? createDashboardComponent() : undefined),
  syslog: (config) => createSyslogComponent(config),
  otlp: (config) => createOtlpComponent(config),
  files: (config) => createFilesComponent(config),
};

/**
 * @example
 * const rt = createRuntime({ config }); await rt.start(); console.log(rt.url); await rt.stop();
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const config = options.config;
  const logger = options.logger ?? pino({ level: config.server.log_level }, pino.destination(2));
  const { store, tokens } = openDataDir(config.storage.path, config.storage.synchronous, (msg) =>
    logger.error(msg),
  );
  let draining = false;
  let url: string | undefined;
  const context: RuntimeContext = {
    config,
    store,
    tokens,
    feed: createCommitFeed(store, logger),
    metrics: createServerMetrics(),
    logger,
    draining: () => draining,
    bus: createAlertBus((e) => logger.error({ err: e }, 'alert listener failed')),
    routes: [],
    services: {},
  };
  const builtins = Object.values(BUILTIN_COMPONENTS)
    .map((factory) => factory(config))
    .filter((c): c is Component => c !== undefined);
  const components: Component[] = [
    ...builtins,
    ...(options.components ?? []),
    // HTTP last: nothing is accepted before the other components are ready.
    httpComponent(
      (u) => (url = u),
      () => config.server.shutdown_timeout_secs,
    ),
  ];
  const started: Component[] = [];
  let stopping: Promise<void> | undefined;
  let stopStep: string | undefined;

  return {
    context,
    get url() {
      return url;
    },
    async start() {
      for (const c of components) {
        await c.start(context);
        started.push(c);
      }
    },
    stop() {
      stopping ??= (async () => {
        draining = true;
        for (const c of [...started].reverse()) {
          stopStep = `component ${c.name}`;
          try {
            await c.stop();
          } catch (e) {
            logger.error({ err: e, component: c.name }, 'component failed to stop');
          }
        }
        stopStep = 'store close';
        await store.close();
        stopStep = undefined;
      })();
      return stopping;
    },
    pending() {
      if (stopStep === undefined) return [];
      const out = [stopStep];
      const writes = store.pendingWrites?.();
      if (writes !== undefined)
        out.push(
          `store writes: ${writes.calls} append calls and ${writes.statements} statement sets queued, a commit ${writes.committing ? 'running' : 'not running'}`,
        );
      return out;
    },
  };
}
