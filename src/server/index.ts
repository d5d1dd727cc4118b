/** The server: runtime (components), the Fastify app, tokens, commit feed, metrics. */
export { openDataDir, openDataDirReadOnly, storeFile } from './data-dir.js';
export {
  BUILTIN_COMPONENTS,
  createRuntime,
  type Component,
  type Runtime,
  type RuntimeContext,
  type RuntimeOptions,
} from './runtime.js';
export { buildApp, type AppOptions } from './app.js';
export {
  createTokenStore,
  hasScope,
  TOKEN_SCOPES,
  TOKEN_MIGRATIONS,
  type TokenInfo,
  type TokenScope,
  type TokenStore,
} from './auth/token-store.js';
export { createCommitFeed, type CommitFeed, type CommitListener } from './commit-feed.js';
export { createServerMetrics, type ServerMetrics } from './metrics.js';
export { parseTimeBound } from './api/time-bound.js';
export { encodeCursor, decodeCursor } from './api/read-routes.js';
export { storedEventJson } from './api/stored-event-json.js';
