/**
 * Login, logout, the current session, and user administration for the dashboard. Every login
 * success and failure, lockout, role change and admin action becomes an OWASP vocabulary event
 * (authn_login_success, authn_login_fail, authn_login_lock, authz_change, authz_admin).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LogwardenError } from '../../core/errors.js';
import { COOKIE_PLAIN, COOKIE_SECURE, type DashboardAuth } from './dashboard-auth.js';
import type { LoginLimiter } from './login-limiter.js';
import type { SecurityLog } from './security-log.js';
import type { SessionStore } from './session-store.js';
import { checkRole, type UserStore } from './user-store.js';
import { clientAddress } from '../client-address.js';

export interface AuthRoutesOptions {
  readonly auth: DashboardAuth;
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly securityLog: SecurityLog;
  readonly userLimiter: LoginLimiter;
  readonly ipLimiter: LoginLimiter;
  readonly lockoutMs: number;
  readonly absoluteSecs: number;
}

function setCookie(reply: FastifyReply, secure: boolean, value: string, maxAgeSecs: number): void {
  // __Host- needs Secure, Path=/ and no Domain (RFC 6265bis §4.1.3.2); without TLS the prefixed
  // name would be rejected by the browser, so plain HTTP on loopback uses the plain name.
  const name = secure ? COOKIE_SECURE : COOKIE_PLAIN;
  const flags = `Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSecs}${secure ? '; Secure' : ''}`;
  reply.header('set-cookie', `${name}=${value}; ${flags}`);
}

function body(request: FastifyRequest): Record<string, unknown> {
  const b = request.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw new LogwardenError('LW_USAGE', 'expected a JSON object body');
  return b as Record<string, unknown>;
}

function str(b: Record<string, unknown>, key: string, max = 200): string {
  const v = b[key];
  if (typeof v !== 'string' || v === '' || v.length > max)
    throw new LogwardenError(
      'LW_USAGE',
      `${key}: expected a non-empty string of at most ${max} characters`,
    );
  return v;
}

export function registerAuthRoutes(app: FastifyInstance, o: AuthRoutesOptions): void {
  const ev = o.securityLog;

  app.post('/ui/api/login', async (request, reply) => {
    const b = body(request);
    const name = str(b, 'user', 64);
    const password = str(b, 'password', 1024);
    const now = Date.now();
    const ip = clientAddress(request);
    const userKey = `u:${name.toLowerCase()}`;
    const stored = o.users.get(name);
    const lockedMs = Math.max(
      o.userLimiter.lockedFor(userKey, now),
      o.ipLimiter.lockedFor(`ip:${ip}`, now),
      stored?.lockedUntilMs && stored.lockedUntilMs > now ? stored.lockedUntilMs - now : 0,
    );
    if (lockedMs > 0) {
      await ev.log({
        'event.name': 'authn_login_fail',
        'user.id': name,
        'client.address': ip,
        'event.reason': 'locked',
        message: `dashboard login refused: ${name} or ${ip} is locked out`,
      });
      reply.header('retry-after', String(Math.ceil(lockedMs / 1000)));
      throw new LogwardenError(
        'LW_AUTH_LOCKED',
        `too many failed logins: try again in ${Math.ceil(lockedMs / 60_000)} minute(s)`,
      );
    }
    const user = await o.users.verify(name, password);
    if (!user) {
      await ev.log({
        'event.name': 'authn_login_fail',
        'user.id': name,
        'client.address': ip,
        'event.reason': stored ? 'bad_password' : 'unknown_user',
        message: `dashboard login failed for ${name}`,
      });
      const userLocked = o.userLimiter.fail(userKey, now);
      const ipLocked = o.ipLimiter.fail(`ip:${ip}`, now);
      if (userLocked && stored) o.users.lock(stored.name, now + o.lockoutMs);
      if (userLocked || ipLocked)
        await ev.log({
          'event.name': 'authn_login_lock',
          'user.id': name,
          'client.address': ip,
          'event.reason': 'maxretries',
          message: `dashboard login locked (${userLocked ? 'user' : 'client address'}) after repeated failures`,
        });
      // One message for unknown users and wrong passwords: no user enumeration.
      throw new LogwardenError('LW_AUTH_INVALID', 'wrong user name or password');
    }
    o.userLimiter.succeed(userKey);
    o.ipLimiter.succeed(`ip:${ip}`);
    if (user.lockedUntilMs !== null) o.users.lock(user.name, null);
    const { id, session } = o.sessions.create(user.name, ip, now);
    setCookie(reply, o.auth.secureFor(request), id, o.absoluteSecs);
    await ev.log({
      'event.name': 'authn_login_success',
      'user.id': user.name,
      'client.address': ip,
      message: `dashboard login: ${user.name} (${user.role})`,
    });
    return { user: user.name, role: user.role, csrf: session.csrf };
  });

  app.post('/ui/api/logout', async (request, reply) => {
    const p = o.auth.require(request, 'read');
    if (p.sessionId) o.sessions.end(p.sessionId);
    setCookie(reply, o.auth.secureFor(request), '', 0);
    await ev.log({
      'event.name': 'authn_logout',
      'user.id': p.name,
      'client.address': clientAddress(request),
      message: `dashboard logout: ${p.name}`,
    });
    return { ok: true };
  });

  app.get('/ui/api/session', async (request) => {
    const p = o.auth.require(request, 'read');
    return { user: p.name, role: p.role, csrf: p.session?.csrf ?? null };
  });

  app.get('/ui/api/users', async (request) => {
    o.auth.require(request, 'admin');
    return {
      users: o.users.list().map((u) => ({
        name: u.name,
        role: u.role,
        created: new Date(u.createdMs).toISOString(),
        locked_until: u.lockedUntilMs === null ? null : new Date(u.lockedUntilMs).toISOString(),
      })),
    };
  });

  app.post('/ui/api/users/:name/role', async (request) => {
    const p = o.auth.require(request, 'admin');
    const { name } = request.params as { name: string };
    const role = checkRole(str(body(request), 'role', 20));
    const before = o.users.get(name);
    if (!before) throw new LogwardenError('LW_NOT_FOUND', `no dashboard user named "${name}"`);
    const after = o.users.setRole(name, role);
    // A changed role takes effect at once: sessions read the role on every request.
    await ev.log({
      'event.name': 'authz_change',
      'user.id': name,
      'client.address': clientAddress(request),
      attributes: { from: before.role, to: after.role, by: p.actor },
      message: `${p.actor} changed the role of ${name} from ${before.role} to ${after.role}`,
    });
    await ev.log({
      'event.name': 'authz_admin',
      'user.id': p.name,
      'event.action': 'user_role_change',
      'client.address': clientAddress(request),
      message: `${p.actor} set role of ${name} to ${role}`,
    });
    return { name: after.name, role: after.role };
  });
}
