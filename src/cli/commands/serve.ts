import path from 'node:path';
import type { Command } from 'commander';
import { isLoopbackHost, parseListen } from '../../config/index.js';
import { LogwardenError } from '../../core/errors.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';

interface ServeOptions extends CommonOptions {
  listen?: string;
  role?: string;
}

/** How the user ran us: `logwarden` when through the bin, else `node <path>` (e.g. `npm start`). */
function selfCommand(): string {
  const script = process.argv[1] ?? '';
  if (path.basename(script) === 'logwarden') return 'logwarden';
  const rel = path.relative(process.cwd(), script);
  return `node ${rel.startsWith('..') ? script : rel}`;
}

function firstStartHint(url: string, dataFlag: string): string {
  const self = selfCommand();
  return `
No tokens yet. To send a first event:
  1. create a token for your app (printed once, keep it secret):
       TOKEN=$(${self} tokens create --name my-app${dataFlag})
  2. send an event:
       curl -sS ${url}/v1/events -H "Authorization: Bearer $TOKEN" \\
         -H 'Content-Type: application/x-ndjson' \\
         --data-binary '{"event.name":"authn_login_fail","user.id":"alice","client.address":"203.0.113.9"}'
  3. find it:
       ${self} search 'name:authn_login_fail'${dataFlag}
`;
}

/**
 * After SIGTERM/SIGINT, stop gets server.shutdown_timeout_secs for in-flight requests plus this
 * much for the rest (forwarders, the last checkpoint, committing and closing the store); past
 * that deadline the process logs what it still waited for and exits 75 instead of hanging.
 */
export const STOP_GRACE_SECS = 15;
/** Exit status when stop overran its deadline (EX_TEMPFAIL, like LW_UNAVAILABLE). */
const EXIT_STOP_DEADLINE = 75;

/** `logwarden serve`: run the server until SIGTERM/SIGINT, then drain and exit 0. */
export function registerServe(program: Command, io: CliIO): void {
  const cmd = program
    .command('serve')
    .description('Run the ingest and search server (HTTP API, store, retention).')
    .option(
      '--listen <host:port>',
      'address to listen on (default: server.listen, 127.0.0.1:7420); port 0 = any free port',
    )
    .option(
      '--role <origin|replica>',
      "replica: also verify, store and cosign other origins' ledgers (replication.role)",
    );
  withCommonOptions(cmd).addHelpText(
    'after',
    `
Examples:
  $ logwarden serve
  $ logwarden serve --config logwarden.yaml --data /var/lib/logwarden
  $ LOGWARDEN_SERVER__LISTEN=0.0.0.0:7420 logwarden serve   # expose on purpose (put TLS in front)

Prints "listening on http://HOST:PORT" on stdout once it accepts requests. SIGTERM or SIGINT
stops accepting, waits for in-flight batches to commit, closes the store and exits 0. The stop
has a deadline of server.shutdown_timeout_secs + ${STOP_GRACE_SECS} s: past it, the server logs what was still
pending and exits ${EXIT_STOP_DEADLINE}. A second SIGTERM or SIGINT exits at once (128 + the signal's number);
events acknowledged with a 200 are on disk either way.`,
  );
  cmd.action(async (opts: ServeOptions) => {
    const base = commandConfig(opts, io);
    const listened =
      opts.listen === undefined
        ? base
        : { ...base, server: { ...base.server, listen: opts.listen } };
    if (opts.role !== undefined && opts.role !== 'origin' && opts.role !== 'replica')
      throw new LogwardenError(
        'LW_USAGE',
        `--role ${JSON.stringify(opts.role)}: expected origin or replica`,
      );
    const config =
      opts.role === undefined
        ? listened
        : {
            ...listened,
            replication: { ...listened.replication, role: opts.role as 'origin' | 'replica' },
          };
    const { host } = parseListen(config.server.listen, '--listen');
    // Loaded here so that other commands never pay for the HTTP stack.
    const { createRuntime } = await import('../../server/runtime.js');
    const runtime = createRuntime({ config });
    let signalled = false;
    const logger = runtime.context.logger;
    const done = new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        if (signalled) {
          // The operator insists: whatever is still draining is abandoned (what was acknowledged
          // is committed; uncommitted requests were never answered 200).
          logger.warn({ signal, pending: runtime.pending() }, 'second signal: exiting now');
          process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
        }
        signalled = true;
        const deadlineSecs = config.server.shutdown_timeout_secs + STOP_GRACE_SECS;
        logger.info({ signal, deadlineSecs }, 'draining');
        const deadline = setTimeout(() => {
          logger.error(
            { pending: runtime.pending(), deadlineSecs },
            `stop did not finish within ${deadlineSecs} s; exiting ${EXIT_STOP_DEADLINE}`,
          );
          process.exit(EXIT_STOP_DEADLINE);
        }, deadlineSecs * 1000);
        void runtime.stop().then(
          () => {
            clearTimeout(deadline);
            logger.info('stopped');
            resolve();
          },
          (e: unknown) => {
            clearTimeout(deadline);
            logger.error({ err: e }, 'stop failed');
            process.exitCode = 1;
            resolve();
          },
        );
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
    try {
      await runtime.start();
    } catch (e) {
      await runtime.stop();
      throw e;
    }
    io.out(`listening on ${runtime.url}\n`);
    if (!isLoopbackHost(host)) {
      io.err(
        `warning: listening on ${host}, reachable from other machines over plain HTTP; ` +
          'tokens travel in clear unless a TLS proxy is in front.\n',
      );
    }
    io.out(`data in ${config.storage.path}\n`);
    if (runtime.context.tokens.list().length === 0) {
      io.out(
        firstStartHint(
          runtime.url as string,
          opts.data === undefined ? '' : ` --data ${opts.data}`,
        ),
      );
    }
    await done;
  });
}
