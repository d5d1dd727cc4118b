/**
 * Who is asking, and may they? Dashboard JSON endpoints accept a session cookie (people) or a
 * bearer token (scripts). Roles map onto token scopes the same way everywhere: a `read` token is
 * a viewer, an `admin` token an admin. State-changing requests with a cookie must carry the
 * session's CSRF synchronizer token in `x-csrf-token` (OWASP CSRF Cheat Sheet); SameSite=Strict
 * cookies and an Origin check are defence in depth. A refused action is logged as `authz_fail`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LogwardenError } from '../../core/errors.js';
import type { Authenticate } from '../auth/authenticate.js';
import { hasScope } from '../auth/token-store.js';
import type { SecurityLog } from './security-log.js';
import type { Session, SessionStore } from './session-store.js';
import { can, type Permission, type Role, type UserStore } from './user-store.js';
import { clientAddress } from '../client-address.js';

export interface Principal {
  readonly name: string;
  readonly role: Role;
  readonly via: 'session' | 'token';
  /** The session id (cookie value) when via session. */
  readonly sessionId?: string;
  readonly session?: Session;
  /** The actor written into histories and events: `user:ana` or `token:grafana`. */
  readonly actor: string;
}

export const COOKIE_SECURE = '__Host-lw_session';
export const COOKIE_PLAIN = 'lw_session';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export interface DashboardAuth {
  /** The principal with `permission`, or throws (401/403). Checks CSRF on non-GET requests. */
  require(request: FastifyRequest, permission: Permission, reply?: FastifyReply): Principal;
  /** Whether the session cookie should be Secure with the __Host- prefix for this request. */
  secureFor(request: FastifyRequest): boolean;
  sessionOf(request: FastifyRequest): { id: string; session: Session } | undefined;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createDashboardAuth(o: {
  authenticate: Authenticate;
  sessions: SessionStore;
  users: UserStore;
  securityLog: SecurityLog;
  secureCookies: 'auto' | 'always';
}): DashboardAuth {
  const secureFor = (request: FastifyRequest): boolean =>
    o.secureCookies === 'always' || request.protocol === 'https';
  const sessionOf = (request: FastifyRequest) => {
    const id = readCookie(request, COOKIE_SECURE) ?? readCookie(request, COOKIE_PLAIN);
    if (id === undefined) return undefined;
    const session = o.sessions.touch(id);
    return session && { id, session };
  };
  const refuse = (request: FastifyRequest, p: Principal, permission: Permission): never => {
    void o.securityLog.log({
      'event.name': 'authz_fail',
      'user.id': p.name,
      'client.address': clientAddress(request),
      'url.path': request.url.split('?')[0],
      'http.request.method': request.method,
      attributes: {
        resource: `${request.method} ${request.routeOptions.url ?? request.url}`,
        role: p.role,
        needed: permission,
      },
      message: `${p.actor} (role ${p.role}) was refused ${permission}`,
    });
    throw new LogwardenError(
      'LW_FORBIDDEN',
      `${p.actor} has role ${p.role}, which may not ${permission === 'triage' ? 'act on alerts' : permission === 'review' ? 'sign off reviews' : permission === 'admin' ? 'administer' : 'read'}`,
    );
  };
  return {
    secureFor,
    sessionOf,
    require(request, permission, reply) {
      if (request.headers.authorization !== undefined) {
        const info = o.authenticate(request, 'read', reply);
        const role: Role = hasScope(info, 'admin') ? 'admin' : 'viewer';
        const p: Principal = { name: info.name, role, via: 'token', actor: `token:${info.name}` };
        if (!can(role, permission)) refuse(request, p, permission);
        return p;
      }
      const s = sessionOf(request);
      if (!s)
        throw new LogwardenError(
          'LW_AUTH_REQUIRED',
          'not logged in (or the session expired): log in at /ui/',
        );
      const user = o.users.get(s.session.user);
      if (!user) {
        o.sessions.end(s.id);
        throw new LogwardenError('LW_AUTH_REQUIRED', 'the user of this session no longer exists');
      }
      if (!SAFE.has(request.method)) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !sameToken(sent, s.session.csrf))
          throw new LogwardenError(
            'LW_FORBIDDEN',
            'CSRF token missing or wrong: send the x-csrf-token header given by GET /ui/api/session',
          );
        const origin = request.headers.origin;
        if (origin !== undefined && origin !== 'null') {
          let originHost = '';
          try {
            originHost = new URL(origin).host;
          } catch {
            originHost = '';
          }
          if (!request.headers.host || originHost !== request.headers.host)
            throw new LogwardenError('LW_FORBIDDEN', `cross-origin request from ${origin} refused`);
        }
      }
      const p: Principal = {
        name: user.name,
        role: user.role,
        via: 'session',
        sessionId: s.id,
        session: s.session,
        actor: `user:${user.name}`,
      };
      if (!can(user.role, permission)) refuse(request, p, permission);
      return p;
    },
  };
}
