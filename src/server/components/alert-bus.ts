/**
 * New and updated alerts, handed to whoever acts on them (the alert router, the dashboard's
 * live view). Synchronous fan-out; a listener that needs I/O queues its own work (its outbox).
 */
import type { StoredAlert } from '../../detection/alerts/alert-store.js';

export type AlertListener = (alert: StoredAlert, isNew: boolean) => void;

export interface AlertBus {
  subscribe(l: AlertListener): () => void;
  publish(alert: StoredAlert, isNew: boolean): void;
}

export function createAlertBus(onError: (e: unknown) => void): AlertBus {
  const listeners = new Set<AlertListener>();
  return {
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    publish(alert, isNew) {
      for (const l of listeners) {
        try {
          l(alert, isNew);
        } catch (e) {
          onError(e);
        }
      }
    },
  };
}
