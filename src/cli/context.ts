/** Conventions every command shares: --data, --config, --format, --limit. */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import type { CliIO } from './io.js';

export interface CommonOptions {
  data?: string;
  config?: string;
  format?: string;
  limit?: string;
}

/** Add `--data` and `--config` (and `--format`/`--limit` when the command prints results). */
export function withCommonOptions(
  cmd: Command,
  opts: { format?: readonly string[]; limit?: number } = {},
): Command {
  cmd.option('--data <dir>', 'data directory (default: storage.path from the config, else ./data)');
  cmd.option('--config <file>', 'YAML config file (version: 1)');
  if (opts.format)
    cmd.option('--format <format>', `output format: ${opts.format.join('|')}`, opts.format[0]);
  if (opts.limit !== undefined) cmd.option('--limit <n>', 'most rows to print', String(opts.limit));
  return cmd;
}

/** The config for a command: --config file (or defaults), environment, then --data. */
export function commandConfig(opts: CommonOptions, io: CliIO): Config {
  const { config } = loadConfig({ file: opts.config, env: io.env });
  if (opts.data !== undefined)
    return { ...config, storage: { ...config.storage, path: opts.data } };
  return config;
}
