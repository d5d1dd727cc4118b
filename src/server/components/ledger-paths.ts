/**
 * Where the ledger's keys live and what the log is called, from the config: shared by `serve`,
 * `verify`, `prove` and `keys` so they can never disagree.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import type { Config } from '../../config/index.js';

export interface LedgerPaths {
  readonly origin: string;
  readonly keyPath: string;
  readonly vkeyPath: string;
  /** verify's remembered checkpoints (catch rollbacks); better kept off the log's host. */
  readonly statePath: string;
  readonly replicaName: string;
  readonly replicaKeyPath: string;
  readonly replicaVkeyPath: string;
}

/** Host names may hold characters a key name cannot ('+', spaces): replace them. */
function safeHost(): string {
  return hostname().replace(/[\s+]/g, '-') || 'localhost';
}

export function ledgerPaths(config: Config): LedgerPaths {
  const data = config.storage.path;
  const l = config.ledger;
  const r = config.replication;
  return {
    origin: l.origin === '' ? `logwarden.${safeHost()}` : l.origin,
    keyPath: l.key_file === '' ? path.join(data, 'ledger.key') : l.key_file,
    vkeyPath: l.vkey_file === '' ? path.join(data, 'ledger.vkey') : l.vkey_file,
    statePath: path.join(data, 'verify-state.json'),
    replicaName: r.cosigner_name === '' ? `logwarden-replica.${safeHost()}` : r.cosigner_name,
    replicaKeyPath: r.key_file === '' ? path.join(data, 'replica.key') : r.key_file,
    replicaVkeyPath: path.join(data, 'replica.vkey'),
  };
}
