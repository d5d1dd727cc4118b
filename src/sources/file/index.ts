export { createFileSource, expandPaths, FINGERPRINT_BYTES } from './tailer.js';
export type { FileSource, FileSourceOptions } from './tailer.js';
export { loadPositions, savePositions } from './positions.js';
export type { FilePosition } from './positions.js';
