/**
 * OTLP/HTTP destination (OpenTelemetry Protocol, JSON encoding): each batch of signed entries is
 * one `POST {endpoint}/v1/logs` ExportLogsServiceRequest. Every log record carries the event's
 * exact stored body (body.stringValue), its time and severity, and the ledger position as
 * attributes `logwarden.origin`, `logwarden.index`, `logwarden.leaf_hash` (hex). A 2xx answer
 * acknowledges the batch; anything else is retried with backoff (OTLP spec "Retrying").
 *
 * @example
 * const dest = createOtlpDestination({ endpoint: 'http://collector:4318', origin });
 */
import { LogwardenError } from '../core/errors.js';
import type { StoredEvent } from '../storage/types.js';
import type { DeliveryBatch, Destination } from './forwarder.js';

export interface OtlpDestinationOptions {
  readonly endpoint: string;
  readonly origin: string;
  readonly headers?: Record<string, string>;
  readonly timeoutMs?: number;
}

// OWASP levels onto OpenTelemetry severity numbers (logs data model: INFO 9, WARN 13, FATAL 21).
const SEVERITY_NUMBER: Record<string, number> = { INFO: 9, WARN: 13, CRITICAL: 21 };

const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

/** One OTLP LogRecord (JSON encoding: 64-bit integers as decimal strings). */
export function otlpLogRecord(e: StoredEvent, origin: string): Record<string, unknown> {
  let fields: Record<string, unknown> = {};
  if (e.body !== null) {
    try {
      fields = JSON.parse(e.body) as Record<string, unknown>;
    } catch {
      fields = {};
    }
  }
  const timeMs = typeof fields.time === 'string' ? Date.parse(fields.time) : e.timeMs;
  const nanos = (ms: number) =>
    (BigInt(Math.round(Number.isFinite(ms) ? ms : e.timeMs)) * 1_000_000n).toString();
  const sev = typeof fields.severity === 'string' ? fields.severity : 'INFO';
  const attrs = [
    str('logwarden.origin', origin),
    { key: 'logwarden.index', value: { intValue: String(e.seq) } },
    str('logwarden.leaf_hash', e.leafHash.toString('hex')),
  ];
  if (typeof fields['event.name'] === 'string') attrs.push(str('event.name', fields['event.name']));
  if (typeof fields.id === 'string') attrs.push(str('logwarden.event_id', fields.id));
  return {
    timeUnixNano: nanos(timeMs),
    observedTimeUnixNano: nanos(e.timeMs),
    severityNumber: SEVERITY_NUMBER[sev] ?? 9,
    severityText: sev,
    body: { stringValue: e.body ?? '' },
    attributes: attrs,
    ...(typeof fields.trace_id === 'string' ? { traceId: fields.trace_id } : {}),
    ...(typeof fields.span_id === 'string' ? { spanId: fields.span_id } : {}),
  };
}

export function createOtlpDestination(o: OtlpDestinationOptions): Destination {
  const url = `${o.endpoint.replace(/\/+$/, '')}/v1/logs`;
  const timeoutMs = o.timeoutMs ?? 30_000;
  return {
    kind: 'otlp',
    async deliver(b: DeliveryBatch) {
      const body = JSON.stringify({
        resourceLogs: [
          {
            resource: {
              attributes: [str('service.name', 'logwarden'), str('logwarden.origin', o.origin)],
            },
            scopeLogs: [
              {
                scope: { name: 'logwarden.ledger' },
                logRecords: b.entries.map((e) => otlpLogRecord(e, o.origin)),
              },
            ],
          },
        ],
      });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...o.headers },
        body,
        signal: AbortSignal.any([b.signal, AbortSignal.timeout(timeoutMs)]),
      });
      const text = await res.text();
      if (res.status < 200 || res.status >= 300)
        throw new LogwardenError(
          'LW_DELIVERY_FAILED',
          `otlp ${url}: HTTP ${res.status} ${text.slice(0, 200)}`,
        );
      return b.from + b.entries.length;
    },
  };
}
