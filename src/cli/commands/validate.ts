import type { Command } from 'commander';
import { configJsonSchema, loadConfig, renderConfigDocs } from '../../config/index.js';
import { LogwardenError } from '../../core/errors.js';
import type { CliIO } from '../io.js';

/** `logwarden validate CONFIG`: run the whole config pipeline without starting anything. */
export function registerValidate(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description('Check a config file: YAML, ${ENV} substitution, unknown keys, types, limits.')
    .argument('[config]', 'YAML config file')
    .option('--format <format>', 'output: table|json (json prints the resolved config)', 'table')
    .option('--print-schema', 'print the JSON Schema of the config file and exit')
    .option('--print-docs', 'print docs/config.md (generated from the schema) and exit')
    .addHelpText(
      'after',
      `
Examples:
  $ logwarden validate logwarden.yaml
  $ logwarden validate logwarden.yaml --format json     # the resolved config with defaults
  $ logwarden validate --print-schema > logwarden.schema.json

Exit code 0 when valid; 78 (LW_CONFIG_INVALID) with every problem named by file and key path.`,
    )
    .action(
      (
        file: string | undefined,
        opts: { format: string; printSchema?: boolean; printDocs?: boolean },
      ) => {
        if (opts.printSchema) return io.out(JSON.stringify(configJsonSchema(), null, 2) + '\n');
        if (opts.printDocs) return io.out(renderConfigDocs());
        if (file === undefined)
          throw new LogwardenError(
            'LW_USAGE',
            'validate: name the config file (logwarden validate logwarden.yaml)',
          );
        const { config, fromEnv } = loadConfig({ file, env: io.env });
        if (opts.format === 'json') return io.out(JSON.stringify(config, null, 2) + '\n');
        io.out(
          `ok: ${file} is valid (listen ${config.server.listen}, data ${config.storage.path})\n`,
        );
        if (fromEnv.length > 0) io.out(`set from the environment: ${fromEnv.join(', ')}\n`);
      },
    );
}
