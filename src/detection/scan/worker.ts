/**
 * Worker thread of `scan` (see stage.ts): loads the rules once, then does the ranges it is
 * sent, file by file, and answers each with its RangeWire (its buffers transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createStage, wireTransfers, type StageFile, type StageRules } from './stage.js';

export type ToWorker =
  | { readonly type: 'file'; readonly file: StageFile }
  | { readonly type: 'range'; readonly id: number; readonly start: number; readonly end: number };

const port = parentPort!;
try {
  const stage = createStage(workerData as StageRules);
  port.postMessage({ type: 'ready', fingerprint: stage.fingerprint });
  port.on('message', (m: ToWorker) => {
    try {
      if (m.type === 'file') stage.setFile(m.file);
      else {
        const r = stage.run(m.id, m.start, m.end);
        port.postMessage({ type: 'result', result: r }, wireTransfers(r));
      }
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).stack ?? String(e) });
    }
  });
} catch (e) {
  port.postMessage({ type: 'error', message: (e as Error).stack ?? String(e) });
}
