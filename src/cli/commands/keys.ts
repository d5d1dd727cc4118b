/** `logwarden keys generate|rotate|show`: the ledger signing key and its verification key. */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LogwardenError } from '../../core/errors.js';
import { ensureSigningKey } from '../../ledger/key-files.js';
import { readPrivateKeyFile, rotateKey } from '../../ledger/keys.js';
import { ledgerPaths } from '../../server/components/ledger-paths.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';
import { parseFormat } from '../output.js';

export function registerKeys(program: Command, io: CliIO): void {
  const keys = program
    .command('keys')
    .description('Create, rotate and show the ledger signing key (the vkey is what you share).')
    .addHelpText(
      'after',
      `
Examples:
  $ logwarden keys generate --data /var/lib/logwarden      # serve also does this on first start
  $ logwarden keys show                                     # the vkey to copy to auditors/replicas
  $ logwarden keys rotate                                   # new key; old vkeys stay listed

The private key (<data>/ledger.key, mode 0600) never leaves the host. The vkey file
(<data>/ledger.vkey) lists every key ever used, so old checkpoints keep verifying after a
rotation. Restart serve after rotating.`,
    );
  withCommonOptions(
    keys
      .command('generate')
      .description('Create the signing key if there is none; print its vkey.'),
  ).action((opts: CommonOptions) => {
    const paths = ledgerPaths(commandConfig(opts, io));
    if (existsSync(paths.keyPath))
      throw new LogwardenError(
        'LW_CONFLICT',
        `${paths.keyPath} already exists (use keys rotate to replace it)`,
      );
    const { signer } = ensureSigningKey({
      keyPath: paths.keyPath,
      vkeyPath: paths.vkeyPath,
      name: paths.origin,
    });
    io.out(`${signer.verifier.vkey}\n`);
    io.err(`key written to ${paths.keyPath} (0600); vkey listed in ${paths.vkeyPath}\n`);
  });
  withCommonOptions(
    keys
      .command('rotate')
      .description('Replace the signing key; the old vkey stays in the vkey file.'),
  ).action((opts: CommonOptions) => {
    const paths = ledgerPaths(commandConfig(opts, io));
    const r = rotateKey({ keyPath: paths.keyPath, vkeysPath: paths.vkeyPath, name: paths.origin });
    io.out(`${r.vkey}\n`);
    io.err(
      `new key in ${paths.keyPath}${r.previous ? `; previous vkey kept in ${paths.vkeyPath}` : ''}. Restart serve.\n`,
    );
  });
  withCommonOptions(keys.command('show').description('Print the verification keys.'), {
    format: ['table', 'json'],
  }).action((opts: CommonOptions) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const paths = ledgerPaths(commandConfig(opts, io));
    if (!existsSync(paths.vkeyPath))
      throw new LogwardenError(
        'LW_NOT_FOUND',
        `${paths.vkeyPath} does not exist: run logwarden keys generate (or serve) first`,
      );
    const all = readFileSync(paths.vkeyPath, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const current = existsSync(paths.keyPath)
      ? readPrivateKeyFile(paths.keyPath).verifier.vkey
      : undefined;
    if (format === 'json')
      io.out(
        `${JSON.stringify({ origin: paths.origin, current: current ?? null, vkeys: all }, null, 2)}\n`,
      );
    else for (const v of all) io.out(`${v}${v === current ? '   (current)' : ''}\n`);
  });
}
