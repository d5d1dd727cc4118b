/**
 * The literal registry of CLI commands: one file per command, one line here. Each entry loads
 * its command's module and gives the function that adds the command (and its subcommands) to
 * the program, so a run loads only the command it runs: `scan` loads no server, SQLite or
 * fastify (`logwarden --version` took 0.29 s of CPU with every command imported, docs/benchmarks.md).
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';

export type RegisterCommand = (program: Command, io: CliIO) => void;

export const COMMANDS: Readonly<Record<string, () => Promise<RegisterCommand>>> = {
  serve: async () => (await import('./serve.js')).registerServe,
  validate: async () => (await import('./validate.js')).registerValidate,
  tokens: async () => (await import('./tokens.js')).registerTokens,
  search: async () => (await import('./search.js')).registerSearch,
  sources: async () => (await import('./sources.js')).registerSources,
  scan: async () => (await import('./scan.js')).registerScan,
  ingest: async () => (await import('./ingest.js')).registerIngest,
  rules: async () => (await import('./rules.js')).registerRules,
  routes: async () => (await import('./routes.js')).registerRoutes,
  decisions: async () => (await import('./decisions.js')).registerDecisions,
  alerts: async () => (await import('./alerts.js')).registerAlerts,
  audit: async () => (await import('./audit.js')).registerAudit,
  interview: async () => (await import('./interview.js')).registerInterview,
  probe: async () => (await import('./probe.js')).registerProbe,
  assess: async () => (await import('./assess.js')).registerAssess,
  users: async () => (await import('./users.js')).registerUsers,
  verify: async () => (await import('./verify.js')).registerVerify,
  prove: async () => (await import('./prove.js')).registerProve,
  'verify-proof': async () => (await import('./verify-proof.js')).registerVerifyProof,
  keys: async () => (await import('./keys.js')).registerKeys,
};
