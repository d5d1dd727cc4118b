/**
 * The network syslog receiver as a server component (config `sources.syslog`): frames parsed by
 * the syslog parsers, stored through the shared ingest sink, one source per sender
 * (`syslog:<ip>`, listed by GET /v1/sources). Frames skipped before the sink (oversized,
 * malformed, queue full) are counted in logwarden_events_received_total and
 * logwarden_events_dropped_total{reason} for that sender.
 */
import type { Config } from '../../config/index.js';
import { createSyslogFrameParser } from '../../sources/syslog/parse.js';
import { createSyslogReceiver, type SyslogReceiver } from '../../sources/syslog/receiver.js';
import type { Component } from '../runtime.js';
import { sourcesShared } from './sources-shared.js';

/** `:5514` -> `127.0.0.1:5514` (secure default: loopback unless an address is given). */
function withHost(listen: string): string {
  return listen.startsWith(':') ? `127.0.0.1${listen}` : listen;
}

export function createSyslogComponent(config: Config): Component | undefined {
  const c = config.sources.syslog;
  if (c.udp === undefined && c.tcp === undefined && c.tls === undefined) return undefined;
  let receiver: SyslogReceiver | undefined;
  return {
    name: 'syslog',
    async start(ctx) {
      const { sink } = sourcesShared(ctx);
      receiver = createSyslogReceiver({
        ...(c.udp !== undefined ? { udp: withHost(c.udp) } : {}),
        ...(c.tcp !== undefined ? { tcp: withHost(c.tcp) } : {}),
        ...(c.tls !== undefined
          ? {
              tls: {
                listen: withHost(c.tls.listen),
                certFile: c.tls.cert_file,
                keyFile: c.tls.key_file,
                ...(c.tls.ca_file !== undefined ? { caFile: c.tls.ca_file } : {}),
                requestCert: c.tls.client_auth,
              },
            }
          : {}),
        maxFrameBytes: c.max_frame_bytes,
        sink,
        parse: createSyslogFrameParser({}),
        onWarn: (msg, details) => ctx.logger.warn(details, msg),
        onDrop: (reason, sender) => {
          const source = `syslog:${sender}`;
          ctx.metrics.received.inc({ source });
          ctx.metrics.dropped.inc({ source, reason });
        },
      });
      await receiver.start();
      const a = receiver.addresses();
      const addr = (x: { address: string; port: number } | undefined) =>
        x && (x.address.includes(':') ? `[${x.address}]:${x.port}` : `${x.address}:${x.port}`);
      ctx.logger.info(
        { udp: addr(a.udp), tcp: addr(a.tcp), tls: addr(a.tls) },
        'syslog receiver listening',
      );
    },
    async stop() {
      await receiver?.close();
    },
  };
}
