/**
 * Turning one line of the shared security corpus (`../shared/corpus/dev/*.jsonl`, see its README)
 * into a request and a {@link CaseRecord}. Pure: the caller reads the files.
 *
 * - `http_requests.jsonl`: `{method, uri, headers, body}` is sent as is. Location is `body` when
 *   the request has a non-empty body, else `url_headers` (request line and headers).
 * - `payloads.jsonl`: the value is placed in a query parameter, `GET /search?q=<payload>`, with
 *   only the characters that would break the query (`&`, `#`, whitespace, control and non-ASCII)
 *   percent-encoded: the lists publish payloads in the form they are meant to be sent in
 *   (`%c0%ae` stays, `+` stays a space as in the HttpParamsDataset values).
 */
import { inspectRequest } from './inspect.js';
import type { CaseRecord, ParanoiaBand } from './report.js';
import type { RequestInput } from './types.js';

interface CorpusLine {
  id?: unknown;
  kind?: unknown;
  data?: unknown;
  label?: unknown;
  class?: unknown;
  meta?: { crs_paranoia_level?: unknown } | undefined;
}

/** Encode a payload for a query parameter the way a client that sends it verbatim must. */
export function queryEncode(payload: string): string {
  return payload.replace(/[&#\s\x00-\x1f\x7f]|[^\x00-\x7f]/gu, (c) => encodeURIComponent(c));
}

/** The request for one corpus line, or undefined when the line is not an HTTP case. */
export function corpusRequest(
  line: CorpusLine,
): { req: RequestInput; set: CaseRecord['set']; location: CaseRecord['location'] } | undefined {
  const d = line.data as Record<string, unknown> | undefined;
  if (line.kind !== 'http_request' || !d || typeof d !== 'object') return undefined;
  if (typeof d['uri'] === 'string') {
    const headers: Record<string, string> = {};
    const h = d['headers'];
    if (h && typeof h === 'object')
      for (const [k, v] of Object.entries(h as Record<string, unknown>))
        if (typeof v === 'string') headers[k] = v;
    const body = typeof d['body'] === 'string' ? d['body'] : '';
    return {
      req: {
        method: typeof d['method'] === 'string' ? d['method'] : 'GET',
        path: d['uri'],
        headers,
        body,
      },
      set: 'http_requests',
      location: body.trim().length > 0 ? 'body' : 'url_headers',
    };
  }
  const value =
    typeof d['payload'] === 'string'
      ? d['payload']
      : typeof d['param_value'] === 'string'
        ? d['param_value']
        : undefined;
  if (value === undefined) return undefined;
  return {
    req: {
      method: 'GET',
      path: '/search',
      query: 'q=' + queryEncode(value),
      headers: {
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      },
    },
    set: 'payloads',
    location: 'query_param',
  };
}

/** Inspect one corpus line and label the result; undefined for lines that are not HTTP cases. */
export function corpusRecord(line: CorpusLine): CaseRecord | undefined {
  const r = corpusRequest(line);
  if (!r) return undefined;
  const pl = line.meta?.crs_paranoia_level;
  const band: ParanoiaBand = typeof pl === 'number' && pl >= 3 ? 'PL3-4' : 'PL1-2';
  return {
    id: String(line.id),
    set: r.set,
    label: line.label === 'benign' ? 'benign' : 'attack',
    class: typeof line.class === 'string' ? line.class : null,
    location: r.location,
    band,
    findings: inspectRequest(r.req),
  };
}
