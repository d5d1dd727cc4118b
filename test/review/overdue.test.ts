/**
 * An overdue review raises an alert through the alert store and the alert bus (ARCHITECTURE §6),
 * once per overdue period, in a real runtime (store, detection, dashboard component, HTTP).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import type { StoredAlert } from '../../src/detection/alerts/alert-store.js';
import { createDashboardComponent } from '../../src/server/components/dashboard.js';
import { createRuntime } from '../../src/server/runtime.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lw-overdue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('overdue review', () => {
  it('raises one medium alert per overdue period, published on the bus, and names the task', async () => {
    const { config } = parseConfig(
      {
        version: 1,
        server: { listen: '127.0.0.1:0' },
        storage: { path: dir, synchronous: 'normal' },
        // This test drives its own dashboard component (to call checkOverdue with a clock).
        dashboard: { enabled: false, review_check_secs: 3600 },
      },
      { origin: 'test', env: {} },
    );
    const dashboard = createDashboardComponent();
    const runtime = createRuntime({
      config,
      logger: pino({ level: 'silent' }),
      components: [dashboard],
    });
    await runtime.start();
    try {
      const published: Array<[StoredAlert, boolean]> = [];
      runtime.context.bus.subscribe((a, isNew) => published.push([a, isNew]));
      const now = Date.now();
      dashboard.reviews!.create(
        { name: 'web weekly', scopeKind: 'source', scopeValue: 'web', frequency: 'weekly' },
        'user:ana',
        now - 8 * 86_400_000,
      );
      dashboard.reviews!.create(
        { name: 'fresh daily', scopeKind: 'all', frequency: 'daily' },
        'user:ana',
        now,
      );
      expect(dashboard.checkOverdue(now)).toBe(1);
      expect(dashboard.checkOverdue(now + 60_000)).toBe(0); // same overdue period: no second alert
      expect(published).toHaveLength(1);
      const [alert, isNew] = published[0]!;
      expect(isNew).toBe(true);
      expect(alert).toMatchObject({
        severity: 'medium',
        kind: 'system',
        status: 'open',
        entity: { type: 'source', value: 'web' },
      });
      expect(alert.rule.title).toBe('Log review overdue: web weekly');
      expect(runtime.context.services.alerts!.get(alert.id)?.rule.id).toBe(
        'logwarden.review_overdue',
      );
      // The fresh daily task (due at creation, 1 h grace) becomes overdue later, once.
      expect(dashboard.checkOverdue(now + 2 * 3_600_000)).toBe(1);
    } finally {
      await runtime.stop();
    }
  });
});
