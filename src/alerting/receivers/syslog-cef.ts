/**
 * Syslog with a CEF payload to an existing SIEM: RFC 5424 header, CEF:0 message (ArcSight CEF
 * Implementation Standard rev 25). Over UDP one datagram per alert (RFC 5426); over TCP octet
 * counting framing `LEN SP MSG` (RFC 6587 §3.4.1), safe for messages with newlines.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { hostname } from 'node:os';
import { SEVERITY_RANK } from '../../detection/alerts/alert.js';
import type { SyslogReceiverConfig } from '../types.js';
import { eventLine, ruleText, type MessageAlert, type NotificationMessage } from '../message.js';
import type { Receiver } from './receiver.js';
import { deliveryError } from './receiver.js';

/** CEF header fields escape `\` and `|`; extension values escape `\`, `=` and newlines. */
export const cefHeader = (s: string): string =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]/g, ' ');
export const cefValue = (s: string): string =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/=/g, '\\=')
    .replace(/\r\n|\n/g, '\\n')
    .replace(/\r/g, '\\r');

const CEF_SEVERITY = [1, 3, 5, 8, 10]; // informational..critical on CEF's 0-10
const SYSLOG_SEVERITY = [6, 5, 4, 3, 2]; // info, notice, warning, error, critical

export function cefLine(a: MessageAlert, m: NotificationMessage, version: string): string {
  const rank = SEVERITY_RANK[a.severity];
  const ev0 = a.events[0] ?? {};
  const ext: [string, string | number | undefined][] = [
    ['rt', a.lastSeenMs],
    ['start', a.firstSeenMs],
    ['end', a.lastSeenMs],
    ['cnt', a.count],
    [
      'src',
      a.entity.type === 'ip' ? a.entity.value : (ev0['client.address'] as string | undefined),
    ],
    ['suser', a.entity.type === 'user' ? a.entity.value : (ev0['user.id'] as string | undefined)],
    ['externalId', a.id],
    ['msg', a.summary],
    ['cs1Label', 'entity'],
    ['cs1', `${a.entity.type}:${a.entity.value}`],
    ['cs2Label', 'suppressed'],
    ['cs2', String(m.suppressed)],
    ['cs3Label', 'link'],
    ['cs3', a.link],
    ['cs4Label', 'attack'],
    ['cs4', a.attack.join(',') || undefined],
    ['cs5Label', 'events'],
    ['cs5', a.events.map(eventLine).join(' | ').slice(0, 2000) || undefined],
  ];
  const extension = ext
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${cefValue(String(v))}`)
    .join(' ');
  return `CEF:0|logwarden|logwarden|${cefHeader(version)}|${cefHeader(ruleText(a))}|${cefHeader(a.rule.title)}|${CEF_SEVERITY[rank]}|${extension}`;
}

export function syslog5424(
  c: SyslogReceiverConfig,
  a: MessageAlert,
  body: string,
  nowMs: number,
  host: string,
): string {
  const pri = c.facility * 8 + SYSLOG_SEVERITY[SEVERITY_RANK[a.severity]]!;
  // HOSTNAME/APP-NAME are PRINTUSASCII without spaces (RFC 5424 §6.2).
  const safe = (s: string, n: number) => s.replace(/[^\x21-\x7e]/g, '_').slice(0, n) || '-';
  return `<${pri}>1 ${new Date(nowMs).toISOString()} ${safe(host, 255)} ${safe(c.app_name, 48)} - alert - ${body}`;
}

export function createSyslogReceiver(c: SyslogReceiverConfig, version = '0'): Receiver {
  const host = hostname();
  const frames = (m: NotificationMessage, now: number) =>
    m.alerts.map((a) => syslog5424(c, a, cefLine(a, m, version), now, host));
  const sendUdp = (lines: string[]) =>
    new Promise<void>((resolve, reject) => {
      const sock = dgram.createSocket(net.isIPv6(c.host) ? 'udp6' : 'udp4');
      let i = 0;
      const next = (err?: Error | null) => {
        if (err) {
          sock.close();
          return reject(err);
        }
        if (i >= lines.length) {
          sock.close();
          return resolve();
        }
        sock.send(Buffer.from(lines[i++]!), c.port, c.host, next);
      };
      next();
    });
  const sendTcp = (lines: string[]) =>
    new Promise<void>((resolve, reject) => {
      const sock = net.connect({ host: c.host, port: c.port });
      sock.setTimeout(c.timeout_secs * 1000, () => sock.destroy(new Error('timeout')));
      sock.on('error', reject);
      sock.on('connect', () => {
        const payload = lines.map((l) => `${Buffer.byteLength(l)} ${l}`).join('');
        sock.end(payload, () => resolve());
      });
    });
  return {
    name: c.name,
    type: 'syslog',
    async send(m, ctx) {
      const lines = frames(m, ctx.nowMs);
      if (lines.length === 0) return;
      try {
        await (c.protocol === 'udp' ? sendUdp(lines) : sendTcp(lines));
      } catch (e) {
        throw deliveryError(
          c.name,
          `syslog ${c.protocol}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          undefined,
          e,
        );
      }
    },
    close: async () => {},
  };
}
