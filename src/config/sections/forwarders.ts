import { z } from 'zod';
import { defineSection } from './define.js';

const common = {
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]*$/)
    .describe('Unique name; the cursor is stored under it (renaming restarts from 0).'),
  batch_entries: z.number().int().positive().max(50_000).default(2000),
  backoff_min_ms: z.number().int().positive().default(200),
  backoff_max_ms: z.number().int().positive().default(30_000),
  lag_alert_entries: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('Append a ledger_replica_lag WARN event when this many entries wait.'),
  lag_alert_secs: z
    .number()
    .positive()
    .default(300)
    .describe('... or when the oldest unforwarded entry is this old.'),
};

const replica = z.strictObject({
  ...common,
  url: z.url().describe('Base URL of the replica (logwarden serve --role replica).'),
  vkey: z.string().min(1).describe("The replica's cosigner vkey (its replica.vkey)."),
});
const syslog = z.strictObject({
  ...common,
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(6514),
  tls: z.boolean().default(false).describe('RFC 5425 TLS (verify the server certificate).'),
  ca_file: z.string().default('').describe('CA bundle for TLS (empty: system CAs).'),
  app_name: z.string().default('logwarden'),
});
const otlp = z.strictObject({
  ...common,
  endpoint: z.url().describe('OTLP/HTTP base URL; logs go to {endpoint}/v1/logs.'),
  headers: z.record(z.string(), z.string()).default({}),
});

/** Destinations fed from the ledger, each with its own persisted cursor (at-least-once). */
export const forwardersSection = defineSection({
  schema: z
    .strictObject({
      replicas: z
        .array(replica)
        .default([])
        .describe('logwarden replicas that verify, store and cosign every checkpoint.'),
      syslog: z
        .array(syslog)
        .default([])
        .describe('RFC 5424 syslog over TCP (octet counting), optionally TLS.'),
      otlp: z.array(otlp).default([]).describe('OTLP/HTTP JSON logs receivers (a SIEM).'),
    })
    .prefault({}),
  validate: (v) => {
    const seen = new Set<string>();
    const issues: { path: (string | number)[]; message: string }[] = [];
    for (const kind of ['replicas', 'syslog', 'otlp'] as const) {
      v[kind].forEach((f, i) => {
        if (seen.has(f.name))
          issues.push({ path: [kind, i, 'name'], message: `duplicate forwarder name ${f.name}` });
        seen.add(f.name);
        if (f.backoff_max_ms < f.backoff_min_ms)
          issues.push({ path: [kind, i, 'backoff_max_ms'], message: 'must be >= backoff_min_ms' });
      });
    }
    return issues;
  },
});
