import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createDetectionEngine } from '../engine/engine.js';
import { loadRules, ruleSources } from '../engine/load-rules.js';
import { startScanPool } from './pool.js';
import {
  CONSUMED,
  CONTROL_SLOTS,
  NEXT_RANGE,
  rangeStarts,
  type FromWorker,
  type ToWorker,
} from './protocol.js';
import { sampleLines } from './scan-file.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// Worker threads run the compiled worker (dist/); `npm test` builds first.
const workerJs = path.join(root, 'dist/detection/scan/worker.js');
const built = existsSync(workerJs);
const skipped = built
  ? ''
  : ' — skipped: dist/detection/scan/worker.js missing, run `npm run build`';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = path.join(dir, 'auth.log');
writeFileSync(
  file,
  Array.from(
    { length: 400 },
    (_, i) =>
      `Mar  1 10:00:${String(i % 60).padStart(2, '0')} web sshd[${1000 + i}]: Failed password for root from 203.0.113.${i % 50} port ${40000 + i} ssh2`,
  ).join('\n') + '\n',
);
const rules = loadRules({ builtin: true, dirs: [] }).rules;
const opts = {
  logFormat: 'auto',
  ctx: { now: Date.parse('2026-11-27T12:00:00Z'), source: 'file:auth.log', year: 2026 },
  source: 'file:auth.log',
};

describe('scan workers', () => {
  it.skipIf(!built)(
    'take ranges themselves, never more than `window` ahead of what the main thread consumed' +
      skipped,
    async () => {
      const size = statSync(file).size;
      const starts = rangeStarts(size, 1024, []);
      const window = 3;
      expect(starts.length).toBeGreaterThan(window + 10);
      const control = new SharedArrayBuffer(CONTROL_SLOTS * 4);
      const ctl = new Int32Array(control);
      const workers = [new Worker(workerJs), new Worker(workerJs)];
      try {
        const got: number[] = [];
        let ahead = 0; // most results received beyond what was published as consumed
        let ready = 0;
        const errors: string[] = [];
        for (const w of workers)
          w.on('message', (m: FromWorker) => {
            if (m.type === 'ready') ready++;
            else if (m.type === 'result') {
              got.push(m.result.id);
              ahead = Math.max(ahead, m.result.id + 1 - Atomics.load(ctl, CONSUMED));
            } else errors.push(m.message);
          });
        const post = (m: ToWorker): void => workers.forEach((w) => w.postMessage(m));
        post({ type: 'rules', rules: { sources: ruleSources(rules), patterns: true } });
        const stageFile = { file, logFormat: 'auto', sample: sampleLines(file), ctx: opts.ctx };
        post({ type: 'file', file: stageFile, size, starts, window, control });
        await vi.waitFor(() => expect(ready).toBe(2), { timeout: 20_000 });
        // Nothing consumed: each worker holds one range beyond the window, waiting.
        await vi.waitFor(() => expect(Atomics.load(ctl, NEXT_RANGE)).toBe(window + 2), {
          timeout: 20_000,
        });
        await vi.waitFor(() => expect(got).toHaveLength(window), { timeout: 20_000 });
        expect([...got].sort((a, b) => a - b)).toEqual([0, 1, 2]);
        // One consumed: one more range may be done.
        Atomics.store(ctl, CONSUMED, 1);
        Atomics.notify(ctl, CONSUMED);
        await vi.waitFor(() => expect(got).toHaveLength(window + 1), { timeout: 20_000 });
        // All consumed: every range arrives, once.
        Atomics.store(ctl, CONSUMED, starts.length);
        Atomics.notify(ctl, CONSUMED);
        await vi.waitFor(() => expect(got).toHaveLength(starts.length), { timeout: 20_000 });
        expect([...got].sort((a, b) => a - b)).toEqual(starts.map((_, i) => i));
        expect(ahead).toBe(window);
        expect(errors).toEqual([]);
      } finally {
        await Promise.all(workers.map((w) => w.terminate()));
      }
    },
    60_000,
  );

  it.skipIf(!built)(
    'answer a range that throws with the error, its message and stack (not a silent stop)' +
      skipped,
    async () => {
      const w = new Worker(workerJs);
      try {
        const answers: FromWorker[] = [];
        w.on('message', (m: FromWorker) => answers.push(m));
        const gone = path.join(dir, 'removed.log');
        const post = (m: ToWorker): void => w.postMessage(m);
        post({ type: 'rules', rules: { sources: ruleSources(rules), patterns: true } });
        post({
          type: 'file',
          file: { file: gone, logFormat: 'auto', sample: sampleLines(file), ctx: opts.ctx },
          size: 4096,
          starts: [0],
          window: 2,
          control: new SharedArrayBuffer(CONTROL_SLOTS * 4),
        });
        await vi.waitFor(() => expect(answers.map((m) => m.type)).toEqual(['ready', 'error']), {
          timeout: 20_000,
        });
        const err = answers[1] as Extract<FromWorker, { type: 'error' }>;
        expect(err.message).toMatch(/ENOENT.*removed\.log/);
        expect(err.stack).toMatch(/readLines/);
      } finally {
        await w.terminate();
      }
    },
    60_000,
  );

  it.skipIf(!built)(
    'fail with a clear error when a worker cannot build the rules, or built others' + skipped,
    async () => {
      const engine = createDetectionEngine({ rules, collect: true });
      const size = statSync(file).size;
      const bad = startScanPool(2, { rangeBytes: 1024 });
      try {
        const sources = ruleSources(rules);
        const broken = { ...sources.rules[0]!, raw: { title: 'no detection' } };
        bad.setRules({ sources: { ...sources, rules: [broken] }, patterns: true });
        await expect(bad.scanFile(engine, file, size, opts)).rejects.toThrow(
          /^scan worker failed: .*app\.yml \(document 1\): missing 'detection'/,
        );
      } finally {
        await bad.close();
      }
      const other = startScanPool(2, { rangeBytes: 1024 });
      try {
        // The same rules in another order: other rule indexes.
        other.setRules({ sources: ruleSources([...rules].reverse()), patterns: true });
        await expect(other.scanFile(engine, file, size, opts)).rejects.toThrow(
          /other detection rules than the main thread/,
        );
      } finally {
        await other.close();
      }
    },
    60_000,
  );
});
