/**
 * The dashboard's own security events (logins, lockouts, permission changes, admin actions,
 * refused actions), stored in logwarden itself as OWASP vocabulary events (ARCHITECTURE §6):
 * the same prepareEvent path as ingested events, appended in-process with source `dashboard`
 * and `log.source: internal`, then announced on the commit feed so detection sees them.
 */
import { prepareEvent } from '../../core/prepare.js';
import type { EventStore } from '../../storage/types.js';
import type { CommitFeed } from '../commit-feed.js';

export interface SecurityLog {
  /** Store one event; resolves once committed (failures are logged, never thrown). */
  log(fields: Record<string, unknown>): Promise<{ id: string; seq: number } | undefined>;
}

export const DASHBOARD_SOURCE = 'dashboard';

export function createSecurityLog(o: {
  store: EventStore;
  feed?: CommitFeed;
  onError: (e: unknown) => void;
}): SecurityLog {
  return {
    async log(fields) {
      const r = prepareEvent(
        { time: new Date().toISOString(), 'service.name': 'logwarden-dashboard', ...fields },
        { source: DASHBOARD_SOURCE, logSource: 'internal' },
      );
      if (!r.ok) {
        o.onError(new Error(`dashboard event refused: ${JSON.stringify(r.errors)}`));
        return undefined;
      }
      try {
        const [res] = await o.store.append([r.prepared]);
        if (!res) return undefined;
        o.feed?.committed(res.seq);
        return { id: res.id, seq: res.seq };
      } catch (e) {
        o.onError(e);
        return undefined;
      }
    },
  };
}
