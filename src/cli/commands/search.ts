import type { Command } from 'commander';
import { parseQuery } from '../../search/index.js';
import { parseTimeBound } from '../../server/api/time-bound.js';
import { storedEventJson } from '../../server/api/stored-event-json.js';
import { openDataDirReadOnly } from '../../server/data-dir.js';
import type { StoredEvent } from '../../storage/types.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';
import { parseFormat, parsePositiveInt, writeRows } from '../output.js';

interface SearchOptions extends CommonOptions {
  after?: string;
  before?: string;
}

type Row = { stored: StoredEvent; event: Record<string, unknown> };

const field = (r: Row, name: string) => {
  const v = r.event[name];
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
};

/** `logwarden search '<query>'`: query the store directly (works while the server runs). */
export function registerSearch(program: Command, io: CliIO): void {
  const cmd = program
    .command('search')
    .description('Search stored events, newest first.')
    .argument(
      '[query]',
      "query, e.g. 'name:authn_login_fail ip:10.0.0.0/8 after:-1h' (empty = everything)",
      '',
    )
    .option('--after <time>', 'only events at or after: -15m, -1h, -7d, RFC 3339 or epoch ms')
    .option('--before <time>', 'only events before (same forms as --after)');
  withCommonOptions(cmd, { format: ['table', 'json', 'ndjson'], limit: 50 })
    .addHelpText(
      'after',
      `
Query language: field:value (wildcards *), ip:CIDR, status:>=500, status:400..499,
"quoted full text", AND / OR / NOT (or -term), parentheses, after:-1h / before:TIME.

Examples:
  $ logwarden search 'name:authn_login_fail after:-1h'
  $ logwarden search 'ip:203.0.113.0/24 -status:200' --limit 200
  $ logwarden search 'user:alice' --format ndjson | jq .event`,
    )
    .action(async (text: string, opts: SearchOptions) => {
      const format = parseFormat(opts.format);
      const limit = parsePositiveInt(opts.limit, '--limit', 50);
      const now = Date.now();
      const filter = text.trim() === '' ? undefined : parseQuery(text, { nowMs: now });
      const config = commandConfig(opts, io);
      const store = openDataDirReadOnly(config.storage.path);
      try {
        const events = store.query({
          limit,
          ...(filter ? { filter } : {}),
          ...(opts.after ? { fromMs: parseTimeBound(opts.after, now, '--after') } : {}),
          ...(opts.before ? { toMs: parseTimeBound(opts.before, now, '--before') } : {}),
        });
        const rows: Row[] = events.map((stored) => ({
          stored,
          event:
            format === 'table' && stored.body !== null
              ? (JSON.parse(stored.body) as Record<string, unknown>)
              : {},
        }));
        writeRows(io, rows, {
          format,
          json: (r) => storedEventJson(r.stored),
          empty: 'no events match',
          columns: [
            { header: 'TIME', get: (r) => new Date(r.stored.timeMs).toISOString(), maxWidth: 24 },
            { header: 'NAME', get: (r) => r.stored.name, maxWidth: 28 },
            { header: 'OUTCOME', get: (r) => field(r, 'event.outcome'), maxWidth: 8 },
            { header: 'SOURCE', get: (r) => r.stored.source, maxWidth: 20 },
            { header: 'CLIENT', get: (r) => field(r, 'client.address'), maxWidth: 39 },
            {
              header: 'USER',
              get: (r) => field(r, 'user.id') ?? field(r, 'user.name'),
              maxWidth: 20,
            },
            {
              header: 'MESSAGE',
              get: (r) =>
                r.stored.body === null
                  ? '(pruned by retention)'
                  : (field(r, 'message') ?? field(r, 'url.path')),
              maxWidth: 60,
            },
          ],
        });
      } finally {
        await store.close();
      }
    });
}
