import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore, type SqliteStore } from '../../storage/sqlite/index.js';
import { alertEventRef, alertId, attackTechniques, pickEntity, type Alert } from './alert.js';
import { createAlertStore } from './alert-store.js';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir?: string) {
  const d = dir ?? mkdtempSync(path.join(tmpdir(), 'lw-alerts-'));
  if (!dir) dirs.push(d);
  const store = openSqliteStore({ path: path.join(d, 'logwarden.db') });
  stores.push(store);
  return {
    dir: d,
    store,
    alerts: createAlertStore(store.db, (ns, steps) => store.migrate(ns, steps)),
  };
}

function alert(over: Partial<Alert> = {}): Alert {
  const ev = {
    id: 'e1',
    time: '2026-11-27T09:00:00.000Z',
    'event.name': 'authn_login_fail',
    'user.id': 'alice',
    'client.address': '203.0.113.9',
    password: 'never copied',
  };
  return {
    id: alertId('lw_bruteforce_user', 'alice', 1),
    kind: 'correlation',
    rule: { name: 'lw_bruteforce_user', title: 'Brute force against one account' },
    severity: 'high',
    entity: pickEntity({ 'user.id': 'alice' }, ev),
    groupKey: { 'user.id': 'alice' },
    count: 5,
    firstSeenMs: 1000,
    lastSeenMs: 5000,
    tags: ['attack.credential_access', 'attack.t1110.001'],
    attack: attackTechniques(['attack.credential_access', 'attack.t1110.001']),
    summary: '5 failed logins for alice',
    events: [alertEventRef(ev, 7)],
    eventsOmitted: 0,
    ...over,
  };
}

describe('alert model', () => {
  it('derives entity, techniques and key fields', () => {
    const a = alert();
    expect(a.entity).toEqual({ type: 'user', value: 'alice' });
    expect(a.attack).toEqual(['T1110.001']);
    expect(a.events[0]).toEqual({
      id: 'e1',
      seq: 7,
      time: '2026-11-27T09:00:00.000Z',
      fields: {
        'event.name': 'authn_login_fail',
        'user.id': 'alice',
        'client.address': '203.0.113.9',
      },
    });
    expect(pickEntity({ 'client.address': '198.51.100.1' })).toEqual({
      type: 'ip',
      value: '198.51.100.1',
    });
    expect(pickEntity({ 'client.address': '2001:db8::7' }).type).toBe('ip');
    // an old PAM line's `rhost=` names a host: not an address anything should ban
    expect(pickEntity({ 'client.address': 'dsl-23.example.net' })).toEqual({
      type: 'host',
      value: 'dsl-23.example.net',
    });
    expect(alertId('a', 1)).toBe(alertId('a', 1));
    expect(alertId('a', 1)).not.toBe(alertId('a', 2));
    expect(alertId('a', 1)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('alert store', () => {
  it('inserts once per id and merges a replayed, larger view', () => {
    const { alerts } = open();
    expect(alerts.upsert(alert(), 10)).toBe(true);
    expect(alerts.upsert(alert(), 11)).toBe(false);
    expect(alerts.upsert(alert({ count: 9, lastSeenMs: 9000 }), 12)).toBe(false);
    const got = alerts.get(alert().id)!;
    expect(got.count).toBe(9);
    expect(got.lastSeenMs).toBe(9000);
    expect(got.status).toBe('open');
    expect(alerts.list()).toHaveLength(1);
  });

  it('walks the workflow, records who and when, refuses impossible transitions', () => {
    const { alerts } = open();
    const id = alert().id;
    alerts.upsert(alert(), 10);
    alerts.act(id, 'assign', 'rita', 20, 'sam');
    expect(alerts.act(id, 'acknowledge', 'sam', 30).status).toBe('acknowledged');
    expect(() => alerts.act(id, 'acknowledge', 'sam', 31)).toThrow(
      /cannot acknowledge alert .*: it is acknowledged/,
    );
    alerts.act(id, 'note', 'sam', 40, 'checked with alice: she forgot her password');
    expect(alerts.act(id, 'resolve', 'sam', 50).status).toBe('resolved');
    expect(() => alerts.act(id, 'note', 'sam', 60, '  ')).toThrow(/note cannot be empty/);
    expect(() => alerts.act('nope', 'resolve', 'sam', 60)).toThrow(/does not exist/);
    expect(alerts.history(id).map((h) => [h.actor, h.action, h.detail, h.timeMs])).toEqual([
      ['logwarden', 'created', null, 10],
      ['rita', 'assign', 'sam', 20],
      ['sam', 'acknowledge', null, 30],
      ['sam', 'note', 'checked with alice: she forgot her password', 40],
      ['sam', 'resolve', null, 50],
    ]);
    expect(alerts.get(id)!.assignee).toBe('sam');
  });

  it('filters by status, severity and entity, pages newest first, and survives reopen', async () => {
    const { alerts, dir, store } = open();
    for (let i = 0; i < 5; i++) {
      alerts.upsert(
        alert({
          id: alertId('r', i),
          severity: i % 2 ? 'low' : 'critical',
          entity: { type: 'ip', value: `192.0.2.${i}` },
        }),
        100 + i,
      );
    }
    expect(alerts.list({ minSeverity: 'high' }).map((a) => a.entity.value)).toEqual([
      '192.0.2.4',
      '192.0.2.2',
      '192.0.2.0',
    ]);
    expect(alerts.list({ entity: '192.0.2.3' })).toHaveLength(1);
    const page1 = alerts.list({ limit: 2 });
    const page2 = alerts.list({
      limit: 2,
      before: { createdMs: page1[1]!.createdMs, id: page1[1]!.id },
    });
    expect([...page1, ...page2].map((a) => a.createdMs)).toEqual([104, 103, 102, 101]);
    alerts.act(alertId('r', 0), 'false_positive', 'sam', 200);
    expect(alerts.list({ status: ['open'] })).toHaveLength(4);
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const again = open(dir);
    expect(again.alerts.get(alertId('r', 0))!.status).toBe('false_positive');
    expect(again.alerts.countByStatusAndSeverity()).toContainEqual({
      status: 'false_positive',
      severity: 'critical',
      count: 1,
    });
  });
});
