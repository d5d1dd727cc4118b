/**
 * Microsoft Teams incoming webhook (Workflows or the classic connector): a message whose one
 * attachment is an Adaptive Card 1.4 (https://adaptivecards.io/explorer/). TextBlock renders a
 * markdown subset, so markdown punctuation in values is backslash-escaped.
 */
import type { TeamsReceiverConfig } from '../types.js';
import {
  entityText,
  eventLine,
  ruleText,
  suppressedText,
  timeRange,
  type NotificationMessage,
} from '../message.js';
import type { Receiver } from './receiver.js';
import { postJson } from './receiver.js';

export const teamsEscape = (s: string): string =>
  s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => '\\' + c);

export function teamsPayload(m: NotificationMessage): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: teamsEscape(m.title), weight: 'Bolder', size: 'Medium', wrap: true },
  ];
  if (m.text) body.push({ type: 'TextBlock', text: teamsEscape(m.text), wrap: true });
  for (const a of m.alerts) {
    body.push({
      type: 'FactSet',
      facts: [
        { title: 'Rule', value: teamsEscape(`${a.rule.title} (${ruleText(a)})`) },
        { title: 'Severity', value: a.severity },
        { title: 'Entity', value: teamsEscape(entityText(a)) },
        { title: 'Count', value: String(a.count) },
        { title: 'Time', value: teamsEscape(timeRange(a)) },
      ],
    });
    body.push({ type: 'TextBlock', text: teamsEscape(a.summary), wrap: true });
    for (const e of a.events)
      body.push({
        type: 'TextBlock',
        text: teamsEscape(eventLine(e)),
        wrap: true,
        fontType: 'Monospace',
        size: 'Small',
      });
  }
  body.push({
    type: 'TextBlock',
    text: teamsEscape(suppressedText(m)),
    isSubtle: true,
    wrap: true,
  });
  const first = m.alerts[0];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          ...(first
            ? { actions: [{ type: 'Action.OpenUrl', title: 'Open alert', url: first.link }] }
            : {}),
        },
      },
    ],
  };
}

export function createTeamsReceiver(c: TeamsReceiverConfig): Receiver {
  return {
    name: c.name,
    type: 'teams',
    send: (m, ctx) =>
      postJson(c.name, c.url, JSON.stringify(teamsPayload(m)), {}, c.timeout_secs, ctx.nowMs),
    close: async () => {},
  };
}
