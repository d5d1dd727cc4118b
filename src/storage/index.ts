/**
 * Storage: the store interface and its backends.
 *
 * @example
 * import { openSqliteStore } from './storage/index.js';
 */
export type * from './types.js';
export * from './sqlite/index.js';
