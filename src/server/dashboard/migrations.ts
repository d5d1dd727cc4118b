/** The dashboard's tables (namespace `dashboard`): users, sessions, the CLI's audit outbox. Append only. */
import { AUDIT_OUTBOX_MIGRATION } from './audit-outbox.js';
import { SESSION_MIGRATIONS } from './session-store.js';
import { USER_MIGRATIONS } from './user-store.js';

export const DASHBOARD_MIGRATIONS: readonly string[] = [
  ...USER_MIGRATIONS,
  ...SESSION_MIGRATIONS,
  AUDIT_OUTBOX_MIGRATION,
];
