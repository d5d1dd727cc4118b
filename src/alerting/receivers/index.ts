/**
 * The literal registry of receivers by `type` (STYLE habit 3). The `ReceiverType` union comes
 * from the config, so a type without a factory here does not compile.
 */
import type { ReceiverConfig, ReceiverType } from '../types.js';
import { createEmailReceiver } from './email.js';
import { createExecReceiver } from './exec.js';
import { createLogReceiver, type LogSink } from './log.js';
import { createPagerDutyReceiver } from './pagerduty.js';
import type { Receiver } from './receiver.js';
import { createSlackReceiver } from './slack.js';
import { createSyslogReceiver } from './syslog-cef.js';
import { createTeamsReceiver } from './teams.js';
import { createWebhookReceiver } from './webhook.js';

export interface ReceiverDeps {
  readonly log: LogSink;
  readonly version: string;
}

type Factory<T extends ReceiverType> = (
  c: Extract<ReceiverConfig, { type: T }>,
  d: ReceiverDeps,
) => Receiver;

export const RECEIVERS: { readonly [T in ReceiverType]: Factory<T> } = {
  webhook: (c) => createWebhookReceiver(c),
  slack: (c) => createSlackReceiver(c),
  teams: (c) => createTeamsReceiver(c),
  email: (c) => createEmailReceiver(c),
  syslog: (c, d) => createSyslogReceiver(c, d.version),
  pagerduty: (c) => createPagerDutyReceiver(c),
  exec: (c) => createExecReceiver(c),
  log: (c, d) => createLogReceiver(c, d.log),
};

export function buildReceiver(c: ReceiverConfig, d: ReceiverDeps): Receiver {
  return (RECEIVERS[c.type] as Factory<ReceiverType>)(c as never, d);
}

export type { Receiver, SendContext } from './receiver.js';
