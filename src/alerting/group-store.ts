/** SQL access for notification groups, members, re-fires and escalation timers (notifier.ts). */
import type Database from 'better-sqlite3';

export interface GroupRow {
  key: string;
  route: string;
  digest: number;
  next_flush_ms: number | null;
  last_flush_ms: number | null;
  suppressed: number;
  reasons: string;
}

export interface MemberRow {
  alert_id: string;
  pending: number;
  sent_ms: number | null;
}

export interface GroupStore {
  readonly group: Database.Statement<[string], GroupRow>;
  readonly insertGroup: Database.Statement;
  readonly schedule: Database.Statement;
  readonly suppress: Database.Statement;
  readonly flushed: Database.Statement;
  readonly postpone: Database.Statement;
  readonly dueGroups: Database.Statement<[number], GroupRow>;
  readonly nextGroup: Database.Statement<[], { t: number | null }>;
  readonly member: Database.Statement<[string, string], MemberRow>;
  readonly addMember: Database.Statement;
  readonly holdMember: Database.Statement;
  readonly repeatMember: Database.Statement;
  readonly pendingMembers: Database.Statement<[string], MemberRow>;
  readonly recentSent: Database.Statement<[string], MemberRow>;
  readonly markSent: Database.Statement;
  readonly fire: Database.Statement;
  readonly fires: Database.Statement<[string, number], { n: number }>;
  readonly pruneFires: Database.Statement;
  readonly addEscalation: Database.Statement;
  readonly dueEscalations: Database.Statement<
    [number],
    { alert_id: string; route: string; tier: number; due_ms: number }
  >;
  readonly nextEscalation: Database.Statement<[], { t: number | null }>;
  readonly dropEscalation: Database.Statement;
  readonly dropEscalations: Database.Statement;
}

export function createGroupStore(db: Database.Database): GroupStore {
  return {
    group: db.prepare<[string], GroupRow>('SELECT * FROM alerting_groups WHERE key = ?'),
    insertGroup: db.prepare(
      'INSERT INTO alerting_groups (key, route, digest) VALUES (?, ?, ?) ON CONFLICT(key) DO NOTHING',
    ),
    schedule: db.prepare(
      'UPDATE alerting_groups SET next_flush_ms = ? WHERE key = ? AND next_flush_ms IS NULL',
    ),
    suppress: db.prepare(
      'UPDATE alerting_groups SET suppressed = suppressed + 1, reasons = ? WHERE key = ?',
    ),
    flushed: db.prepare(
      "UPDATE alerting_groups SET last_flush_ms = ?, next_flush_ms = NULL, suppressed = 0, reasons = '{}' WHERE key = ?",
    ),
    postpone: db.prepare('UPDATE alerting_groups SET next_flush_ms = ? WHERE key = ?'),
    dueGroups: db.prepare<[number], GroupRow>(
      'SELECT * FROM alerting_groups WHERE next_flush_ms IS NOT NULL AND next_flush_ms <= ? ORDER BY next_flush_ms LIMIT 500',
    ),
    nextGroup: db.prepare<[], { t: number | null }>(
      'SELECT MIN(next_flush_ms) AS t FROM alerting_groups',
    ),
    member: db.prepare<[string, string], MemberRow>(
      'SELECT alert_id, pending, sent_ms FROM alerting_members WHERE group_key = ? AND alert_id = ?',
    ),
    addMember: db.prepare(
      'INSERT INTO alerting_members (group_key, alert_id, pending) VALUES (?, ?, 1)',
    ),
    holdMember: db.prepare(
      'INSERT INTO alerting_members (group_key, alert_id, pending) VALUES (?, ?, 2)',
    ),
    repeatMember: db.prepare(
      'UPDATE alerting_members SET pending = 1 WHERE group_key = ? AND alert_id = ?',
    ),
    pendingMembers: db.prepare<[string], MemberRow>(
      'SELECT alert_id, pending, sent_ms FROM alerting_members WHERE group_key = ? AND pending = 1 ORDER BY rowid',
    ),
    recentSent: db.prepare<[string], MemberRow>(
      'SELECT alert_id, pending, sent_ms FROM alerting_members WHERE group_key = ? AND pending = 0 ORDER BY sent_ms DESC LIMIT 10',
    ),
    markSent: db.prepare(
      'UPDATE alerting_members SET pending = 0, sent_ms = ? WHERE group_key = ? AND pending = 1',
    ),
    fire: db.prepare('INSERT INTO alerting_fires (key, time_ms) VALUES (?, ?)'),
    fires: db.prepare<[string, number], { n: number }>(
      'SELECT COUNT(*) AS n FROM alerting_fires WHERE key = ? AND time_ms > ?',
    ),
    pruneFires: db.prepare('DELETE FROM alerting_fires WHERE time_ms <= ?'),
    addEscalation: db.prepare(
      'INSERT OR IGNORE INTO alerting_escalations (alert_id, route, tier, due_ms) VALUES (?, ?, ?, ?)',
    ),
    dueEscalations: db.prepare<
      [number],
      { alert_id: string; route: string; tier: number; due_ms: number }
    >('SELECT * FROM alerting_escalations WHERE due_ms <= ? ORDER BY due_ms LIMIT 500'),
    nextEscalation: db.prepare<[], { t: number | null }>(
      'SELECT MIN(due_ms) AS t FROM alerting_escalations',
    ),
    dropEscalation: db.prepare(
      'DELETE FROM alerting_escalations WHERE alert_id = ? AND route = ? AND tier = ?',
    ),
    dropEscalations: db.prepare('DELETE FROM alerting_escalations WHERE alert_id = ?'),
  };
}
