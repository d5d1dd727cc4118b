export {
  MIN_PARALLEL_BYTES,
  RANGE_BYTES,
  createScanPool,
  ruleFingerprint,
  sampleLines,
  scanFileInThread,
} from './scan-file.js';
export type { FileScan, FileScanOptions, ScanPool } from './scan-file.js';
export { readLines } from './lines.js';
