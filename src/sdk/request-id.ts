/**
 * Request correlation: `X-Request-Id` when the caller sent a sane one, else the trace id of a
 * W3C `traceparent` (Trace Context §3.2), else a fresh UUIDv7.
 */
import { uuidv7 } from '../core/ids.js';

export interface RequestIds {
  requestId: string;
  traceId: string | undefined;
  spanId: string | undefined;
}

// Bounded charset and length: the header is attacker-controlled and ends up in logs.
const REQUEST_ID_RE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
// version-traceid-parentid-flags; all-zero ids are invalid (§3.2.2.3, §3.2.2.4).
const TRACEPARENT_RE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function first(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

/**
 * @example
 * requestIdsFrom(undefined, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01').traceId;
 * // '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function requestIdsFrom(
  xRequestId: string | string[] | undefined,
  traceparent: string | string[] | undefined,
): RequestIds {
  let traceId: string | undefined;
  let spanId: string | undefined;
  const tp = first(traceparent)?.trim().toLowerCase();
  if (tp !== undefined) {
    const m = TRACEPARENT_RE.exec(tp);
    if (m !== null && m[1] !== 'ff' && !/^0+$/.test(m[2]!) && !/^0+$/.test(m[3]!)) {
      traceId = m[2];
      spanId = m[3];
    }
  }
  const rid = first(xRequestId)?.trim();
  const requestId = rid !== undefined && REQUEST_ID_RE.test(rid) ? rid : (traceId ?? uuidv7());
  return { requestId, traceId, spanId };
}
