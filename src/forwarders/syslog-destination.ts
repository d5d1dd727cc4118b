/**
 * Syslog destination: every signed entry as one RFC 5424 message over TCP (optionally TLS, RFC
 * 5425), framed by octet counting (RFC 6587 §3.4.1: `MSG-LEN SP SYSLOG-MSG`), so a body can never
 * split or forge a frame. The structured data element `[logwarden@32473 origin="..." index="..."
 * leaf="..."]` carries the ledger position and leaf hash (hex), so the SIEM copy can be checked
 * against the checkpoints.
 *
 * Syslog over TCP has no application acknowledgment: a batch counts as delivered once the socket
 * accepted every byte (write callbacks). Entries in flight when the connection breaks are sent
 * again (at-least-once; receivers may dedupe on origin + index).
 *
 * @example
 * const dest = createSyslogDestination({ host: 'siem.example', port: 6514, tls: true, origin, appName: 'logwarden' });
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import net from 'node:net';
import tls from 'node:tls';
import { LogwardenError } from '../core/errors.js';
import type { StoredEvent } from '../storage/types.js';
import type { DeliveryBatch, Destination } from './forwarder.js';

export interface SyslogDestinationOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: boolean;
  readonly caFile?: string;
  readonly origin: string;
  readonly appName?: string;
  /** Private Enterprise Number in the SD-ID (32473 is the one RFC 5612 reserves for documentation). */
  readonly enterprise?: number;
  readonly timeoutMs?: number;
}

// RFC 5424 §6.3.3: inside PARAM-VALUE, '"', '\' and ']' MUST be escaped.
const sdEscape = (v: string): string => v.replace(/["\\\]]/g, (c) => `\\${c}`);
// HOSTNAME, APP-NAME, MSGID: printable US-ASCII without spaces (RFC 5424 §6), bounded lengths.
const token = (v: string | undefined, max: number): string => {
  const t = (v ?? '').replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return t === '' ? '-' : t;
};
const SEVERITY: Record<string, number> = { CRITICAL: 2, WARN: 4, INFO: 6 };
const FACILITY_LOG_AUDIT = 13;

/** One RFC 5424 message for a stored entry (without the octet-count frame). */
export function formatSyslogMessage(
  e: StoredEvent,
  o: { origin: string; appName: string; enterprise: number; host: string },
): string {
  let fields: Record<string, unknown> = {};
  if (e.body !== null) {
    try {
      fields = JSON.parse(e.body) as Record<string, unknown>;
    } catch {
      fields = {};
    }
  }
  const sev = SEVERITY[String(fields.severity ?? 'INFO')] ?? 6;
  const time = typeof fields.time === 'string' ? fields.time : new Date(e.timeMs).toISOString();
  const sd = `[logwarden@${o.enterprise} origin="${sdEscape(o.origin)}" index="${e.seq}" leaf="${e.leafHash.toString('hex')}"]`;
  const msg = e.body === null ? 'body pruned by retention' : `\uFEFF${e.body}`;
  return `<${FACILITY_LOG_AUDIT * 8 + sev}>1 ${time} ${token(typeof fields['host.name'] === 'string' ? fields['host.name'] : o.host, 255)} ${token(o.appName, 48)} - ${token(typeof fields['event.name'] === 'string' ? fields['event.name'] : undefined, 32)} ${sd} ${msg}`;
}

/** RFC 6587 octet counting: the length is in bytes of the UTF-8 message. */
export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}

export function createSyslogDestination(o: SyslogDestinationOptions): Destination {
  const fmt = {
    origin: o.origin,
    appName: o.appName ?? 'logwarden',
    enterprise: o.enterprise ?? 32473,
    host: hostname(),
  };
  const timeoutMs = o.timeoutMs ?? 30_000;
  const ca = o.caFile ? readFileSync(o.caFile) : undefined;
  let socket: net.Socket | undefined;
  let broken: Error | undefined;

  const connect = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const onError = (e: Error) =>
        reject(
          new LogwardenError('LW_DELIVERY_FAILED', `syslog ${o.host}:${o.port}: ${e.message}`, {
            cause: e,
          }),
        );
      const s = o.tls
        ? tls.connect(
            {
              host: o.host,
              port: o.port,
              // SNI takes host names only (RFC 6066 §3); the certificate is checked against either.
              ...(net.isIP(o.host) === 0 ? { servername: o.host } : {}),
              ...(ca ? { ca } : {}),
            },
            () => resolve(s),
          )
        : net.connect({ host: o.host, port: o.port }, () => resolve(s));
      s.once('error', onError);
      s.setTimeout(timeoutMs, () => s.destroy(new Error('timed out')));
      s.on('error', (e) => (broken = e));
      s.on('close', () => {
        if (socket === s) socket = undefined;
      });
    });

  return {
    kind: 'syslog',
    async deliver(b: DeliveryBatch) {
      if (socket === undefined || socket.destroyed) {
        broken = undefined;
        socket = await connect();
      }
      const s = socket;
      const frames = Buffer.concat(
        b.entries.map((e) => frameOctetCounted(formatSyslogMessage(e, fmt))),
      );
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => s.destroy(new Error('forwarder stopped'));
        b.signal.addEventListener('abort', onAbort, { once: true });
        s.write(frames, (e) => {
          b.signal.removeEventListener('abort', onAbort);
          const err = e ?? broken;
          if (err) {
            s.destroy();
            reject(
              new LogwardenError(
                'LW_DELIVERY_FAILED',
                `syslog ${o.host}:${o.port}: ${err.message}`,
                { cause: err },
              ),
            );
          } else resolve();
        });
      });
      return b.from + b.entries.length;
    },
    async close() {
      socket?.end();
      socket = undefined;
    },
  };
}
