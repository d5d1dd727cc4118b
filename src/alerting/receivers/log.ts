/** The built-in `log` receiver: one structured line per message on the server log (default route). */
import type { LogReceiverConfig } from '../types.js';
import { ruleText, type NotificationMessage } from '../message.js';
import type { Receiver } from './receiver.js';

export type LogSink = (fields: Record<string, unknown>, msg: string) => void;

export function createLogReceiver(c: LogReceiverConfig, sink: LogSink): Receiver {
  return {
    name: c.name,
    type: 'log',
    async send(m: NotificationMessage) {
      sink(
        {
          kind: m.kind,
          severity: m.severity,
          alerts: m.alerts.map((a) => ({
            id: a.id,
            rule: ruleText(a),
            entity: a.entity,
            count: a.count,
            link: a.link,
          })),
          alerts_omitted: m.alertsOmitted,
          suppressed: m.suppressed,
          ...(m.decision ? { decision: m.decision } : {}),
        },
        m.title,
      );
    },
    close: async () => {},
  };
}
