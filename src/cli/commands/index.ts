/**
 * The literal registry of CLI commands: one file per command, one line here. Each entry adds
 * its command (and subcommands) to the program.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { registerAlerts } from './alerts.js';
import { registerAssess } from './assess.js';
import { registerAudit } from './audit.js';
import { registerDecisions } from './decisions.js';
import { registerIngest } from './ingest.js';
import { registerInterview } from './interview.js';
import { registerKeys } from './keys.js';
import { registerProbe } from './probe.js';
import { registerProve } from './prove.js';
import { registerRoutes } from './routes.js';
import { registerRules } from './rules.js';
import { registerScan } from './scan.js';
import { registerSearch } from './search.js';
import { registerServe } from './serve.js';
import { registerSources } from './sources.js';
import { registerTokens } from './tokens.js';
import { registerUsers } from './users.js';
import { registerValidate } from './validate.js';
import { registerVerify } from './verify.js';
import { registerVerifyProof } from './verify-proof.js';

export type RegisterCommand = (program: Command, io: CliIO) => void;

export const COMMANDS: Readonly<Record<string, RegisterCommand>> = {
  serve: registerServe,
  validate: registerValidate,
  tokens: registerTokens,
  search: registerSearch,
  sources: registerSources,
  scan: registerScan,
  ingest: registerIngest,
  rules: registerRules,
  routes: registerRoutes,
  decisions: registerDecisions,
  alerts: registerAlerts,
  audit: registerAudit,
  interview: registerInterview,
  probe: registerProbe,
  assess: registerAssess,
  users: registerUsers,
  verify: registerVerify,
  prove: registerProve,
  'verify-proof': registerVerifyProof,
  keys: registerKeys,
};
