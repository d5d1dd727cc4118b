export { MIN_PARALLEL_BYTES, RANGE_BYTES, sampleLines, scanFileInThread } from './scan-file.js';
export type { FileScan, FileScanOptions } from './scan-file.js';
export { createRangeConsumer } from './consumer.js';
export { startScanPool, type ScanPool, type ScanPoolOptions } from './pool.js';
export { ruleFingerprint } from './stage.js';
export { readLines } from './lines.js';
