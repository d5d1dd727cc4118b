/**
 * Request context (AsyncLocalStorage): inside a request every event carries method, route,
 * operation, client address, user, hashed session, user agent and request id without the app
 * passing them (issue 4, "Automatic context"). The middleware creates one mutable context per
 * request; `setUser`, `setOperation` and `setSession` write into the current one.
 *
 * @example
 * app.post('/transfer', (req, res) => {
 *   setOperation('transfer_funds');
 *   setUser(req.session.userId);
 *   logger.emit('sensitive_update', { object: 'account:42' }); // carries all of the above
 * });
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What the SDK knows about the request being served. Fields are filled as they become known. */
export interface RequestContext {
  method: string | undefined;
  /** Route template (`/users/:id`), not the concrete path. */
  route: string | undefined;
  /** Resolves the route lazily (Express only knows it once the router matched). */
  routeOf: (() => string | undefined) | undefined;
  path: string | undefined;
  /** The application operation (`event.action`), e.g. `transfer_funds`. */
  action: string | undefined;
  clientAddress: string | undefined;
  userId: string | undefined;
  userName: string | undefined;
  /** Keyed hash of the session id: the raw id never leaves the process. */
  sessionHash: string | undefined;
  userAgent: string | undefined;
  requestId: string | undefined;
  traceId: string | undefined;
  spanId: string | undefined;
  /** Hashes a raw session id with the logger's key (set by the middleware). */
  hashSession: ((raw: string) => string) | undefined;
  /** Names of events already emitted in this request (so automatic events are not doubled). */
  emitted: Set<string> | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** A context with every field present (stable object shape for V8). */
export function createRequestContext(init: Partial<RequestContext> = {}): RequestContext {
  return {
    method: init.method,
    route: init.route,
    routeOf: init.routeOf,
    path: init.path,
    action: init.action,
    clientAddress: init.clientAddress,
    userId: init.userId,
    userName: init.userName,
    sessionHash: init.sessionHash,
    userAgent: init.userAgent,
    requestId: init.requestId,
    traceId: init.traceId,
    spanId: init.spanId,
    hashSession: init.hashSession,
    emitted: init.emitted,
  };
}

/**
 * Runs `fn` with `ctx` as the current request context (what the middleware does per request).
 *
 * @example
 * runWithContext(createRequestContext({ requestId: 'job-7' }), () => logger.emit('sys_startup', {}));
 */
export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The current request context, or undefined outside a request. */
export function getRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * Records who is acting in the current request (after authentication).
 *
 * @example
 * setUser(account.id, account.email);
 */
export function setUser(userId: string | undefined, userName?: string): void {
  const ctx = storage.getStore();
  if (ctx === undefined) return;
  ctx.userId = userId;
  if (userName !== undefined) ctx.userName = userName;
}

/**
 * Names the operation the current request performs (`event.action`): one URL can carry many.
 *
 * @example
 * setOperation('transfer_funds');
 */
export function setOperation(action: string): void {
  const ctx = storage.getStore();
  if (ctx !== undefined) ctx.action = action;
}

/**
 * Attaches the request's session. Only a keyed hash is kept: raw session ids are never logged.
 *
 * @example
 * setSession(req.cookies.sid);
 */
export function setSession(rawSessionId: string | undefined): void {
  const ctx = storage.getStore();
  if (ctx === undefined) return;
  if (rawSessionId === undefined || rawSessionId === '') {
    ctx.sessionHash = undefined;
    return;
  }
  if (ctx.hashSession !== undefined) ctx.sessionHash = ctx.hashSession(rawSessionId);
}

/** Marks an event name as emitted in the current request (the middleware reads this). */
export function markEmitted(ctx: RequestContext, name: string): void {
  (ctx.emitted ??= new Set()).add(name);
}
