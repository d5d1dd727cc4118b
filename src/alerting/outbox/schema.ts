/**
 * Alerting's tables, created through the store's versioned migrations (namespace `alerting`).
 * Everything that must survive a restart lives here: group state (what is pending, when it is
 * due), what each group already notified (dedup across restarts), the outbox and its attempts,
 * escalation timers and the re-fire history used by flap damping.
 */
export const ALERTING_MIGRATIONS = [
  `CREATE TABLE alerting_groups (
     key TEXT PRIMARY KEY,
     route TEXT NOT NULL,
     digest INTEGER NOT NULL,
     next_flush_ms INTEGER,
     last_flush_ms INTEGER,
     suppressed INTEGER NOT NULL DEFAULT 0,
     reasons TEXT NOT NULL DEFAULT '{}'
   ) STRICT`,
  'CREATE INDEX alerting_groups_due ON alerting_groups (next_flush_ms) WHERE next_flush_ms IS NOT NULL',
  `CREATE TABLE alerting_members (
     group_key TEXT NOT NULL,
     alert_id TEXT NOT NULL,
     pending INTEGER NOT NULL,
     sent_ms INTEGER,
     PRIMARY KEY (group_key, alert_id)
   ) STRICT`,
  `CREATE TABLE alerting_outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     receiver TEXT NOT NULL,
     kind TEXT NOT NULL,
     dedup_key TEXT UNIQUE,
     message TEXT NOT NULL,
     created_ms INTEGER NOT NULL,
     next_attempt_ms INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     status TEXT NOT NULL DEFAULT 'pending',
     last_error TEXT,
     done_ms INTEGER
   ) STRICT`,
  "CREATE INDEX alerting_outbox_due ON alerting_outbox (receiver, next_attempt_ms, id) WHERE status = 'pending'",
  `CREATE TABLE alerting_outbox_alerts (
     outbox_id INTEGER NOT NULL,
     alert_id TEXT NOT NULL,
     PRIMARY KEY (alert_id, outbox_id)
   ) STRICT`,
  `CREATE TABLE alerting_attempts (
     outbox_id INTEGER NOT NULL,
     time_ms INTEGER NOT NULL,
     ok INTEGER NOT NULL,
     error TEXT
   ) STRICT`,
  'CREATE INDEX alerting_attempts_outbox ON alerting_attempts (outbox_id, time_ms)',
  `CREATE TABLE alerting_escalations (
     alert_id TEXT NOT NULL,
     route TEXT NOT NULL,
     tier INTEGER NOT NULL,
     due_ms INTEGER NOT NULL,
     PRIMARY KEY (alert_id, route, tier)
   ) STRICT`,
  `CREATE TABLE alerting_fires (
     key TEXT NOT NULL,
     time_ms INTEGER NOT NULL
   ) STRICT`,
  'CREATE INDEX alerting_fires_key ON alerting_fires (key, time_ms)',
];
