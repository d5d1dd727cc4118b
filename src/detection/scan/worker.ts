/**
 * Worker thread of `scan` (see stage.ts, protocol.ts): starts before the rules are known,
 * builds them when they arrive, then does the ranges of each file it is sent, taking them from
 * the file's shared counter, and answers each with its RangeWire (its buffers transferred, not
 * copied).
 */
import { parentPort } from 'node:worker_threads';
import { CONSUMED, NEXT_RANGE, STOP, type FromWorker, type ToWorker } from './protocol.js';
import { createStage, wireTransfers, type Stage } from './stage.js';

const port = parentPort!;
const post = (m: FromWorker, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
let stage: Stage | undefined;

/** Ranges of one file until none is left, the main thread is `window` ranges behind, or stop. */
function runFile(s: Stage, m: Extract<ToWorker, { type: 'file' }>): void {
  s.setFile(m.file);
  const ctl = new Int32Array(m.control);
  const { starts, size, window } = m;
  for (;;) {
    const id = Atomics.add(ctl, NEXT_RANGE, 1);
    if (id >= starts.length) return;
    for (let c = Atomics.load(ctl, CONSUMED); id >= c + window; c = Atomics.load(ctl, CONSUMED)) {
      if (Atomics.load(ctl, STOP) !== 0) return;
      Atomics.wait(ctl, CONSUMED, c);
    }
    if (Atomics.load(ctl, STOP) !== 0) return;
    const r = s.run(id, starts[id]!, starts[id + 1] ?? size);
    post({ type: 'result', result: r }, wireTransfers(r));
  }
}

port.on('message', (m: ToWorker) => {
  try {
    if (m.type === 'rules') {
      stage = createStage(m.rules);
      post({ type: 'ready', fingerprint: stage.fingerprint });
    } else {
      if (stage === undefined) throw new Error('scan worker: a file before the rules');
      runFile(stage, m);
    }
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: 'error', message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
  }
});
