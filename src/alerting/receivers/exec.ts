/**
 * Exec receiver: runs a firewall (or any) command for decisions. argv only, never a shell; the
 * decision's values are validated (an IP address, a user name of safe characters) before they
 * become whole arguments or LW_DECISION_* variables; a timeout kills the child. Messages that
 * carry no decision are ignored (delivered as nothing to do).
 */
import { execFile } from 'node:child_process';
import { checkDecisionValue } from '../decisions/decision-store.js';
import type { ExecReceiverConfig } from '../types.js';
import type { NotificationMessage } from '../message.js';
import type { Receiver } from './receiver.js';
import { deliveryError } from './receiver.js';

export function execArgv(command: readonly string[], m: NotificationMessage): string[] {
  const d = m.decision!;
  const vars: Record<string, string> = {
    '{action}': d.action,
    '{type}': d.type,
    '{value}': d.value,
    '{duration_secs}': String(d.durationSecs),
    '{decision_id}': d.id,
  };
  return command.map((a) => vars[a] ?? a);
}

export function createExecReceiver(c: ExecReceiverConfig): Receiver {
  return {
    name: c.name,
    type: 'exec',
    async send(m) {
      const d = m.decision;
      if (!d) return;
      const bad = checkDecisionValue(d.type, d.value);
      // A bad value would never become valid: it is refused, not retried forever.
      if (bad) throw deliveryError(c.name, `refused decision ${d.id}: ${bad}`);
      const [file, ...args] = execArgv(c.command, m);
      await new Promise<void>((resolve, reject) => {
        execFile(
          file!,
          args,
          {
            timeout: c.timeout_secs * 1000,
            killSignal: 'SIGKILL',
            shell: false,
            env: {
              PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
              LW_DECISION_ACTION: d.action,
              LW_DECISION_TYPE: d.type,
              LW_DECISION_VALUE: d.value,
              LW_DECISION_DURATION_SECS: String(d.durationSecs),
              LW_DECISION_ID: d.id,
            },
            maxBuffer: 64 * 1024,
          },
          (err, _stdout, stderr) => {
            if (!err) return resolve();
            const why = err.killed ? 'timed out' : `exit ${String(err.code)}`;
            reject(
              deliveryError(
                c.name,
                `${file} ${why}: ${String(stderr).slice(0, 200).trim()}`,
                undefined,
                err,
              ),
            );
          },
        );
      });
    },
    close: async () => {},
  };
}
