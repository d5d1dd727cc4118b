/**
 * Tailed files as a server component (config `sources.files`): one file source per entry, each
 * with its read positions in `<data>/sources/files-<hash of its paths>.json`, storing through the
 * shared ingest sink (source `file:<path>`). Positions are saved only after the lines are
 * committed, and each line's id derives from (file identity, byte offset): after a crash or
 * SIGKILL the lines between the last commit and the last saved position are read again and
 * stored once.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/index.js';
import { createFileSource, type FileSource } from '../../sources/file/index.js';
import type { Component } from '../runtime.js';
import { sourcesShared } from './sources-shared.js';

/** Positions file of one `sources.files` entry: stable while its paths are unchanged. */
export function positionsFileFor(dataDir: string, paths: readonly string[]): string {
  const key = createHash('sha256').update(JSON.stringify(paths)).digest('hex').slice(0, 16);
  return path.join(dataDir, 'sources', `files-${key}.json`);
}

export function createFilesComponent(config: Config): Component | undefined {
  if (config.sources.files.length === 0) return undefined;
  const sources: FileSource[] = [];
  return {
    name: 'files',
    async start(ctx) {
      const { sink } = sourcesShared(ctx);
      const dir = path.join(ctx.config.storage.path, 'sources');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      for (const f of ctx.config.sources.files) {
        // Construction validates format, zone and year: a bad entry fails the start (at init).
        const src = createFileSource({
          paths: f.paths,
          sink,
          positionsFile: positionsFileFor(ctx.config.storage.path, f.paths),
          format: f.format,
          pollMs: f.poll_ms,
          startAt: f.start_at,
          ...(f.timezone !== undefined ? { timezone: f.timezone } : {}),
          ...(f.year !== undefined ? { year: f.year } : {}),
        });
        sources.push(src);
        await src.start();
      }
      ctx.logger.info({ entries: sources.length }, 'file sources started');
    },
    async stop() {
      for (const s of sources) await s.close();
    },
  };
}
