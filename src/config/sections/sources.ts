import { z } from 'zod';
import { parseListen } from '../listen.js';
import { defineSection, type ConfigIssue } from './define.js';

/** `:5514` means 127.0.0.1:5514: a receiver is reachable from the network only when asked. */
const listenAddress = (example: string) =>
  z
    .string()
    .min(2)
    .describe(
      `HOST:PORT to listen on (e.g. ${example}); ":PORT" binds 127.0.0.1. Port 0 picks a free port.`,
    );

const fileEntry = z.strictObject({
  paths: z
    .array(z.string().min(1))
    .min(1)
    .describe('Files or globs to tail, e.g. [/var/log/nginx/*.log, /var/log/auth.log].'),
  format: z
    .string()
    .min(1)
    .default('auto')
    .describe(
      'Log format (access, syslog, json, logfmt, ... or an alias), or auto: detected per file.',
    ),
  timezone: z
    .string()
    .optional()
    .describe('Zone for timestamps that carry none: UTC (default), +02:00 or an IANA name.'),
  year: z
    .number()
    .int()
    .min(1970)
    .max(9999)
    .optional()
    .describe('Year for timestamps without one (classic syslog); default: inferred from now.'),
  start_at: z
    .enum(['beginning', 'end'])
    .default('beginning')
    .describe(
      'Files seen for the first time: read them whole, or only lines written from now on. Known files always resume.',
    ),
  poll_ms: z.number().int().min(10).default(250).describe('How often files are checked.'),
});

/** Log sources besides the HTTP API: tailed files, a syslog receiver, OTLP/HTTP logs. */
export const sourcesSection = defineSection({
  schema: z
    .strictObject({
      files: z
        .array(fileEntry)
        .default([])
        .describe(
          'Tailed files, followed across rename and copytruncate rotation; read positions are kept in the data directory (sources/) so a restart neither duplicates nor skips a line.',
        ),
      syslog: z
        .strictObject({
          udp: listenAddress('127.0.0.1:5514')
            .optional()
            .describe('Syslog over UDP (RFC 5426), one message per datagram. Off unless set.'),
          tcp: listenAddress('127.0.0.1:5514')
            .optional()
            .describe(
              'Syslog over TCP (RFC 6587: octet-counting or newline framing). Off unless set.',
            ),
          tls: z
            .strictObject({
              listen: listenAddress('127.0.0.1:6514').default('127.0.0.1:6514'),
              cert_file: z.string().min(1).describe('PEM certificate (chain) of this receiver.'),
              key_file: z.string().min(1).describe('PEM private key of this receiver.'),
              ca_file: z
                .string()
                .min(1)
                .optional()
                .describe('PEM CA bundle that client certificates must chain to.'),
              client_auth: z
                .boolean()
                .default(false)
                .describe('Require a client certificate signed by ca_file (mutual TLS).'),
            })
            .optional()
            .describe('Syslog over TLS (RFC 5425). Off unless set.'),
          max_frame_bytes: z
            .number()
            .int()
            .min(480)
            .max(16 * 1024 * 1024)
            .default(64 * 1024)
            .describe(
              'Largest syslog message; longer frames are skipped and counted (dropped{reason="oversized"}), the connection stays up.',
            ),
        })
        .prefault({}),
      otlp: z
        .strictObject({
          enabled: z
            .boolean()
            .default(true)
            .describe(
              'POST /v1/logs on the HTTP server: OTLP/HTTP logs, JSON encoding, with an ingest-scope token.',
            ),
        })
        .prefault({}),
    })
    .prefault({}),
  validate(s) {
    const issues: ConfigIssue[] = [];
    const check = (value: string | undefined, path: (string | number)[]) => {
      if (value === undefined) return;
      try {
        parseListen(value);
      } catch (e) {
        issues.push({ path, message: (e as Error).message.replace(/^listen: /, '') });
      }
    };
    check(s.syslog.udp, ['syslog', 'udp']);
    check(s.syslog.tcp, ['syslog', 'tcp']);
    check(s.syslog.tls?.listen, ['syslog', 'tls', 'listen']);
    if (s.syslog.tls?.client_auth && s.syslog.tls.ca_file === undefined)
      issues.push({
        path: ['syslog', 'tls', 'ca_file'],
        message: 'client_auth needs ca_file (the CA client certificates must chain to)',
      });
    return issues;
  },
});
