/**
 * The SDK's public API (what `logwarden` exports at its root). Integrations have their own
 * subpaths: `logwarden/express`, `logwarden/fastify`, `logwarden/pino`, `logwarden/winston`,
 * `logwarden/testing`.
 */
export { createSecurityLogger } from './logger.js';
export type { EmitExtra, EmitParams, KnownEventName, SecurityLogger } from './logger.js';
export type { SecurityLoggerOptions } from './options.js';
export type { EventExporter } from './exporter.js';
export type { DropReason, SdkStats } from './stats.js';
export type { TrustProxy, ClientAddressResolver } from './client-address.js';
export { createClientAddressResolver } from './client-address.js';
export type { RequestContext } from './context.js';
export {
  createRequestContext,
  getRequestContext,
  runWithContext,
  setOperation,
  setSession,
  setUser,
} from './context.js';
