/**
 * The `logwarden` program: commander 14 with every command from the registry, errors mapped to
 * catalog exit codes.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { reportError } from './errors.js';
import type { CliIO } from './io.js';

export const VERSION = '0.1.0';

/**
 * The program with every command, or with only the command named `only` (what a run of that
 * command needs: the others' modules are not loaded, see commands/index.ts).
 */
export async function createProgram(io: CliIO, only?: string): Promise<Command> {
  const program = new Command('logwarden')
    .description(
      'Self-hosted security logging and monitoring for web applications and their servers.',
    )
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      // commander's own error lines are replaced by `error LW_USAGE: ...` in runCli.
      writeErr: (s) => (s.startsWith('error:') ? undefined : io.err(s)),
      outputError: () => undefined,
      // Fixed width when not on a terminal, so help text (and docs/cli.md) is reproducible.
      getOutHelpWidth: () => io.columns ?? 100,
      getErrHelpWidth: () => io.columns ?? 100,
    })
    .addHelpText(
      'after',
      `
Examples:
  $ logwarden serve                                 # 127.0.0.1:7420, data in ./data
  $ logwarden tokens create --name web-1            # prints a token for a source
  $ logwarden search 'name:authn_login_fail after:-1h'
  $ logwarden sources

Every config key can be set by environment (LOGWARDEN_SERVER__LISTEN=...): see docs/config.md.`,
    );
  const names = only === undefined ? Object.keys(COMMANDS) : [only];
  // Loaded together, added in registry order (the order of the help's command list).
  for (const register of await Promise.all(names.map((n) => COMMANDS[n]!()))) register(program, io);
  return program;
}

function wantsJson(argv: readonly string[]): boolean {
  const i = argv.indexOf('--format');
  return (i >= 0 && argv[i + 1] === 'json') || argv.includes('--format=json');
}

/**
 * Run the CLI; resolves to the exit code. Long-running commands (serve) resolve when done.
 *
 * @example process.exitCode = await runCli(process.argv.slice(2), processIO());
 */
export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  // A run of a command loads only that command; anything else (help, an unknown command, an
  // option first) gets the whole program.
  const first = args[0];
  const program = await createProgram(
    io,
    first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined,
  );
  try {
    await program.parseAsync([...args], { from: 'user' });
    // Commands that finish normally may still set a status (scan --fail-on, rules test failures).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (
      e instanceof CommanderError &&
      (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version')
    ) {
      return 0;
    }
    if (e instanceof CommanderError && e.code === 'commander.help') return 0;
    return reportError(e, io, wantsJson(args));
  }
}
