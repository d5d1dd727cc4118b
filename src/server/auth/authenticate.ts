/**
 * Bearer-token authentication (RFC 6750). The token itself is never logged nor echoed: errors
 * say what was wrong with the credentials, not what they were.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LogwardenError } from '../../core/errors.js';
import { hasScope, type TokenInfo, type TokenScope, type TokenStore } from './token-store.js';

export type Authenticate = (
  request: FastifyRequest,
  scope: TokenScope,
  reply?: FastifyReply,
) => TokenInfo;

export function createAuthenticate(tokens: TokenStore): Authenticate {
  return (request, scope, reply) => {
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      reply?.header('www-authenticate', 'Bearer realm="logwarden"');
      throw new LogwardenError(
        'LW_AUTH_REQUIRED',
        'missing Authorization header: send "Authorization: Bearer lw_..." (create one with `logwarden tokens create`)',
      );
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) {
      reply?.header('www-authenticate', 'Bearer realm="logwarden", error="invalid_request"');
      throw new LogwardenError('LW_AUTH_INVALID', 'Authorization header must be "Bearer <token>"');
    }
    const info = tokens.verify(m[1] as string);
    if (!info) {
      reply?.header('www-authenticate', 'Bearer realm="logwarden", error="invalid_token"');
      throw new LogwardenError('LW_AUTH_INVALID', 'bearer token is unknown or revoked');
    }
    if (!hasScope(info, scope)) {
      throw new LogwardenError(
        'LW_FORBIDDEN',
        `token "${info.name}" has scope ${info.scopes.join(',')}; this needs ${scope}`,
      );
    }
    return info;
  };
}
