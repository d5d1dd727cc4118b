/** `logwarden prove EVENT_ID`: a self-contained inclusion proof that verify-proof checks offline. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LogwardenError } from '../../core/errors.js';
import { readVerifierKeys } from '../../ledger/keys.js';
import { openLedger } from '../../ledger/ledger.js';
import { proveEvent } from '../../ledger/proof-bundle.js';
import type { LedgerBackingStore } from '../../ledger/tiles.js';
import { openDataDir } from '../../server/data-dir.js';
import { ledgerPaths } from '../../server/components/ledger-paths.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';

export function registerProve(program: Command, io: CliIO): void {
  const cmd = program
    .command('prove')
    .description(
      'Write a self-contained inclusion proof for one event (checked offline by verify-proof).',
    )
    .argument('<event-id>', 'the event id (UUIDv7, from search)')
    .option('--output <file>', 'write the proof here (default: stdout)');
  withCommonOptions(cmd).addHelpText(
    'after',
    `
Examples:
  $ logwarden prove 01933c4e-7b1a-7c3d-9e2f-0a1b2c3d4e5f --output login-fail.proof.json
  $ logwarden verify-proof login-fail.proof.json --vkey web1.vkey

The proof holds the event's exact stored bytes, its index, the RFC 9162 inclusion path, the
signed checkpoint with every replica cosignature, and the log's vkey. Give it to anyone: they
check it without access to this server (and should compare the vkey with their own copy).`,
  );
  cmd.action(async (id: string, opts: CommonOptions & { output?: string }) => {
    const config = commandConfig(opts, io);
    const paths = ledgerPaths(config);
    const keys = readVerifierKeys(paths.vkeyPath);
    const { store } = openDataDir(config.storage.path, config.storage.synchronous);
    try {
      const bundle = proveEvent(
        store,
        openLedger(store as unknown as LedgerBackingStore),
        id,
        keys,
      );
      const text = `${JSON.stringify(bundle, null, 2)}\n`;
      if (opts.output === undefined) io.out(text);
      else {
        try {
          writeFileSync(opts.output, text);
        } catch (e) {
          throw new LogwardenError('LW_USAGE', `--output ${opts.output}: ${(e as Error).message}`);
        }
        io.err(`proof for ${id} written to ${opts.output}\n`);
      }
    } finally {
      await store.close();
    }
  });
}
