import type { Command } from 'commander';
import { openDataDirReadOnly } from '../../server/data-dir.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';
import { ago, parseFormat, parsePositiveInt, writeRows } from '../output.js';

/** `logwarden sources`: every source with counts and last seen. */
export function registerSources(program: Command, io: CliIO): void {
  const cmd = program
    .command('sources')
    .description('List sources with event counts, first and last seen.');
  withCommonOptions(cmd, { format: ['table', 'json', 'ndjson'], limit: 1000 })
    .addHelpText(
      'after',
      `
Examples:
  $ logwarden sources
  $ logwarden sources --format json`,
    )
    .action(async (opts: CommonOptions) => {
      const format = parseFormat(opts.format);
      const limit = parsePositiveInt(opts.limit, '--limit', 1000);
      const config = commandConfig(opts, io);
      const store = openDataDirReadOnly(config.storage.path);
      try {
        const now = Date.now();
        const rows = [...store.sources()]
          .sort((a, b) => b.lastSeenMs - a.lastSeenMs)
          .slice(0, limit);
        writeRows(io, rows, {
          format,
          empty: 'no sources yet (nothing has been stored)',
          json: (s) => ({
            source: s.source,
            events: s.events,
            parsed: s.parsed,
            unparsed: s.unparsed,
            first_seen: new Date(s.firstSeenMs).toISOString(),
            last_seen: new Date(s.lastSeenMs).toISOString(),
          }),
          columns: [
            { header: 'SOURCE', get: (s) => s.source, maxWidth: 48 },
            { header: 'EVENTS', get: (s) => s.events, align: 'right' },
            { header: 'PARSED', get: (s) => s.parsed, align: 'right' },
            { header: 'UNPARSED', get: (s) => s.unparsed, align: 'right' },
            { header: 'FIRST SEEN', get: (s) => new Date(s.firstSeenMs).toISOString() },
            { header: 'LAST SEEN', get: (s) => ago(s.lastSeenMs, now) },
          ],
        });
      } finally {
        await store.close();
      }
    });
}
