import type { Command } from 'commander';
import { TOKEN_SCOPES, type TokenInfo, type TokenScope } from '../../server/auth/token-store.js';
import { openDataDir } from '../../server/data-dir.js';
import { LogwardenError } from '../../core/errors.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';
import { parseFormat, writeRows } from '../output.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim())];
}

function withTokens<T>(
  opts: CommonOptions,
  io: CliIO,
  fn: (tokens: ReturnType<typeof openDataDir>['tokens']) => T,
): Promise<T> {
  const config = commandConfig(opts, io);
  const { store, tokens } = openDataDir(config.storage.path, config.storage.synchronous);
  return (async () => {
    try {
      return fn(tokens);
    } finally {
      await store.close();
    }
  })();
}

const iso = (ms: number | null) =>
  ms === null ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const tokenJson = (t: TokenInfo) => ({
  name: t.name,
  scopes: t.scopes,
  prefix: t.prefix,
  created: iso(t.createdMs),
  revoked: t.revokedMs === null ? null : iso(t.revokedMs),
});

/** `logwarden tokens create|list|revoke`: per-source bearer tokens, stored hashed. */
export function registerTokens(program: Command, io: CliIO): void {
  const tokens = program
    .command('tokens')
    .description('Create, list and revoke bearer tokens (one per source; stored hashed).')
    .addHelpText(
      'after',
      `
Examples:
  $ TOKEN=$(logwarden tokens create --name web-1)            # ingest scope
  $ logwarden tokens create --name grafana --scope read
  $ logwarden tokens list
  $ logwarden tokens revoke web-1`,
    );

  withCommonOptions(
    tokens
      .command('create')
      .description('Create a token; prints it alone on stdout (shown once), hints on stderr.')
      .requiredOption('--name <name>', 'token name; events sent with it carry this source name')
      .option(
        '--scope <scope>',
        `scope, repeatable or comma-separated: ${TOKEN_SCOPES.join('|')}`,
        collect,
      ),
    { format: ['table', 'json'] },
  ).action(async (opts: CommonOptions & { name: string; scope?: string[] }) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const scopes = (opts.scope ?? ['ingest']) as TokenScope[];
    const bad = scopes.find((s) => !TOKEN_SCOPES.includes(s));
    if (bad !== undefined)
      throw new LogwardenError(
        'LW_USAGE',
        `--scope ${JSON.stringify(bad)}: expected ${TOKEN_SCOPES.join(', ')}`,
      );
    const { token, info } = await withTokens(opts, io, (t) => t.create(opts.name, scopes));
    if (format === 'json') io.out(JSON.stringify({ ...tokenJson(info), token }) + '\n');
    else io.out(token + '\n');
    io.err(
      `created token "${info.name}" (scope ${info.scopes.join(',')}); it is not shown again.\n` +
        `use it as: Authorization: Bearer <token>\n`,
    );
  });

  withCommonOptions(
    tokens.command('list').description('List tokens (names, scopes, prefixes; never secrets).'),
    {
      format: ['table', 'json', 'ndjson'],
    },
  ).action(async (opts: CommonOptions) => {
    const format = parseFormat(opts.format);
    const list = await withTokens(opts, io, (t) => t.list());
    writeRows(io, list, {
      format,
      json: tokenJson,
      empty: 'no tokens (create one with: logwarden tokens create --name NAME)',
      columns: [
        { header: 'NAME', get: (t) => t.name },
        { header: 'SCOPES', get: (t) => t.scopes.join(',') },
        { header: 'PREFIX', get: (t) => t.prefix + '…' },
        { header: 'CREATED', get: (t) => iso(t.createdMs) },
        {
          header: 'STATUS',
          get: (t) => (t.revokedMs === null ? 'active' : `revoked ${iso(t.revokedMs)}`),
        },
      ],
    });
  });

  withCommonOptions(
    tokens
      .command('revoke')
      .description('Revoke a token by name (takes effect at once, even on a running server).')
      .argument('<name>'),
  ).action(async (name: string, opts: CommonOptions) => {
    await withTokens(opts, io, (t) => t.revoke(name));
    io.err(`revoked token "${name}"\n`);
  });
}
