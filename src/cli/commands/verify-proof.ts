/** `logwarden verify-proof FILE`: check a proof from `prove`, fully offline. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LogwardenError } from '../../core/errors.js';
import { readVerifierKeys } from '../../ledger/keys.js';
import { verifyProofBundle } from '../../ledger/proof-bundle.js';
import type { CliIO } from '../io.js';
import { parseFormat } from '../output.js';

export function registerVerifyProof(program: Command, io: CliIO): void {
  program
    .command('verify-proof')
    .description('Check an inclusion proof written by `prove`, offline.')
    .argument('<file>', 'the proof file (- for stdin is not supported: pass a path)')
    .option('--vkey <file>', 'trusted verification keys: the proof must be signed by one of them')
    .option('--format <format>', 'output format: table|json', 'table')
    .addHelpText(
      'after',
      `
Examples:
  $ logwarden verify-proof login-fail.proof.json --vkey web1.vkey
  $ logwarden verify-proof login-fail.proof.json --format json

Without --vkey the proof is only checked against the key it carries (consistent, but anyone can
make a key): pass your own copy of the log's vkey to trust it. Exit 0 when it verifies, 10 when
something was altered, 65 when the file is malformed.`,
    )
    .action((file: string, opts: { vkey?: string; format?: string }) => {
      const format = parseFormat(opts.format, ['table', 'json']);
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new LogwardenError(
          (e as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'LW_INPUT_NOT_FOUND'
            : 'LW_LEDGER_INVALID',
          `${file}: ${(e as Error).message}`,
        );
      }
      const trusted = opts.vkey === undefined ? undefined : readVerifierKeys(opts.vkey);
      const r = verifyProofBundle(data, trusted);
      if (format === 'json')
        io.out(`${JSON.stringify({ ok: true, ...r, key_trusted: r.keyTrusted }, null, 2)}\n`);
      else {
        io.out(
          `OK  event ${r.id} is entry ${r.index} of ${r.origin} (checkpoint size ${r.treeSize})\n` +
            `    signing key: ${r.keyTrusted ? 'trusted (--vkey)' : 'NOT checked against your keys: pass --vkey'}\n` +
            (r.cosignedBy.length > 0 ? `    cosigned by: ${r.cosignedBy.join(', ')}\n` : ''),
        );
      }
    });
}
