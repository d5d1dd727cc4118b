/**
 * Storage: the store interface and its backends.
 *
 * @example
 * import { openSqliteStore } from './storage/index.js';
 */
export type * from './types.js';
export * from './sqlite/index.js';
export { scheduleRetention } from './retention-schedule.js';
export type { RetentionSchedule, RetentionScheduleOptions } from './retention-schedule.js';
