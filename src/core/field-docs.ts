/**
 * Documentation of every schema field (docs/schema.md is generated from it by
 * scripts/gen-schema-docs.ts). Typed as a Record over EventField, so adding a field to the
 * schema without documenting it does not compile.
 */
import type { EventField } from './event.js';
import { NON_VOCABULARY_EVENTS } from './event.js';

/**
 * How one field is documented in docs/schema.md.
 *
 * @example
 * FIELD_DOCS['client.address'].group; // 'who'
 */
export interface FieldDoc {
  readonly group:
    'identity' | 'what' | 'where' | 'who' | 'correlation' | 'errors' | 'provenance' | 'extra';
  readonly meaning: string;
  readonly example: string;
}

/**
 * Group, meaning and an example value for each field (examples are JSON values).
 *
 * @example
 * FIELD_DOCS.time.meaning; // 'When it happened (event time), UTC RFC 3339 ...'
 */
// prettier-ignore
export const FIELD_DOCS: Readonly<Record<EventField, FieldDoc>> = {
  id: { group: 'identity', meaning: 'Producer id and dedup key: any UUID; the SDK makes UUIDv7; assigned (v7) when absent, derived (v8) for re-imported file lines.', example: '"0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a"' },
  time: { group: 'identity', meaning: 'When it happened (event time), UTC RFC 3339 with milliseconds. Input may be RFC 3339 with any offset, epoch ms or epoch s.', example: '"2026-11-27T09:00:00.000Z"' },
  observed_time: { group: 'identity', meaning: 'When logwarden received it; always set by logwarden.', example: '"2026-11-27T09:00:00.412Z"' },
  'event.name': { group: 'what', meaning: `OWASP vocabulary name, a logwarden name (${Object.keys(NON_VOCABULARY_EVENTS).join(', ')}) or a custom ^[a-z][a-z0-9_]{0,63}$ name.`, example: '"authn_login_fail"' },
  'event.category': { group: 'what', meaning: 'Vocabulary category (authn, authz, session, ...); defaulted from the vocabulary.', example: '"authn"' },
  'event.action': { group: 'what', meaning: 'The application operation (one URL can carry many).', example: '"transfer_funds"' },
  'event.outcome': { group: 'what', meaning: 'success, failure or unknown; defaulted from the vocabulary.', example: '"failure"' },
  'event.reason': { group: 'what', meaning: 'Why (lock reason, session expiry reason, crash reason).', example: '"maxretries"' },
  severity: { group: 'what', meaning: 'DEBUG, INFO, WARN, ERROR or CRITICAL; defaulted from the vocabulary level. Aliases (warning, fatal, ...) accepted.', example: '"WARN"' },
  severity_number: { group: 'what', meaning: 'OpenTelemetry SeverityNumber (DEBUG 5, INFO 9, WARN 13, ERROR 17, CRITICAL 21).', example: '13' },
  message: { group: 'what', meaning: 'Human-readable description.', example: '"User joebob1 login failed"' },
  'service.name': { group: 'where', meaning: 'The application (OWASP appid).', example: '"shop"' },
  'service.version': { group: 'where', meaning: 'Its version.', example: '"1.4.2"' },
  'deployment.environment': { group: 'where', meaning: 'prod, staging, ...', example: '"prod"' },
  'host.name': { group: 'where', meaning: 'The machine that produced the event.', example: '"web-1"' },
  'http.request.method': { group: 'where', meaning: 'HTTP method, upper-cased, an RFC 9110 token.', example: '"POST"' },
  'url.path': { group: 'where', meaning: 'Request path, raw (not decoded). A path with "?" or an input url.full is split into path and query.', example: '"/api/login"' },
  'url.query': { group: 'where', meaning: 'Query string without "?", raw; secrets in it are redacted.', example: '"next=%2Fhome"' },
  'http.route': { group: 'where', meaning: 'The route template that matched.', example: '"/users/:id"' },
  'http.response.status_code': { group: 'where', meaning: 'HTTP status, integer 100-599.', example: '401' },
  'http.response.body.bytes': { group: 'where', meaning: 'Response body size in bytes.', example: '512' },
  'http.request.referrer': { group: 'where', meaning: 'Referer header.', example: '"https://shop.example/cart"' },
  'http.server.duration_ms': { group: 'where', meaning: 'Server-side duration in milliseconds.', example: '12.5' },
  'code.function': { group: 'where', meaning: 'Function or handler that emitted the event.', example: '"loginHandler"' },
  'server.address': { group: 'where', meaning: 'Server IP (canonical) or host name.', example: '"shop.example"' },
  'server.port': { group: 'where', meaning: 'Server port, 0-65535.', example: '443' },
  'client.address': { group: 'who', meaning: 'Source IP, canonical (RFC 5952 for IPv6, IPv4-mapped shown as IPv4), or a host name. "ip:port" and "[v6]:port" are split.', example: '"203.0.113.9"' },
  'client.port': { group: 'who', meaning: 'Source port.', example: '51234' },
  'user.id': { group: 'who', meaning: 'Stable user identifier (numbers are stored as text).', example: '"joebob1"' },
  'user.name': { group: 'who', meaning: 'Display or login name.', example: '"Joe Bob"' },
  'session.id': { group: 'who', meaning: 'Session identifier, never raw: stored as sha256:<32 hex> (or hmac-sha256: when keyed).', example: '"sha256:ba7816bf8f01cfea414140de5dae2223"' },
  'user_agent.original': { group: 'who', meaning: 'User-Agent header.', example: '"Mozilla/5.0 ..."' },
  'request.id': { group: 'correlation', meaning: 'Request id (X-Request-Id).', example: '"req-7f3a"' },
  trace_id: { group: 'correlation', meaning: 'W3C trace id.', example: '"4bf92f3577b34da6a3ce929d0e0e4736"' },
  span_id: { group: 'correlation', meaning: 'W3C span id.', example: '"00f067aa0ba902b7"' },
  'error.type': { group: 'errors', meaning: 'Error class or code.', example: '"TypeError"' },
  'error.message': { group: 'errors', meaning: 'Error message.', example: '"cannot read property"' },
  'exception.stacktrace': { group: 'errors', meaning: 'Stack trace (newlines are stored escaped, CWE-117).', example: '"TypeError: x\\\\n    at f (a.js:1:2)"' },
  'log.source': { group: 'provenance', meaning: 'How it entered: sdk, http, otlp, syslog, file:PATH, internal. Set by logwarden, not by the sender.', example: '"http"' },
  'log.source_id': { group: 'provenance', meaning: 'Which configured source or token.', example: '"shop-prod"' },
  'log.format': { group: 'provenance', meaning: 'Parser format of a parsed line.', example: '"combined"' },
  'log.original': { group: 'provenance', meaning: 'The raw line, when parsed from a log.', example: '"203.0.113.9 - - [27/Nov/2026:09:00:00 +0000] \\"GET / HTTP/1.1\\" 200 512"' },
  'log.redactions': { group: 'provenance', meaning: 'Redactions applied (field:PATH, pattern:NAME, hash:session.id): counted, never silent.', example: '["pattern:card"]' },
  attributes: { group: 'extra', meaning: 'Free-form JSON object (size-, depth- and field-capped). Sensitive keys are redacted at any depth.', example: '{"cart_id":"c-19"}' },
};
