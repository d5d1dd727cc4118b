/**
 * Slack incoming webhook with Block Kit (https://api.slack.com/reference/block-kit/blocks).
 * mrkdwn needs &, < and > escaped (https://api.slack.com/reference/surfaces/formatting#escaping);
 * text blocks are cut below Slack's 3000-character limit.
 */
import type { SlackReceiverConfig } from '../types.js';
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

export const slackEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cut = (s: string, n = 2900) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

export function slackPayload(m: NotificationMessage): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(m.title, 150) } },
  ];
  if (m.decision)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: slackEscape(
          `Decision: ${m.decision.action} ${m.decision.type} ${m.decision.value} for ${m.decision.durationSecs}s`,
        ),
      },
    });
  if (m.text)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(slackEscape(m.text)) } });
  for (const a of m.alerts) {
    blocks.push({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Rule*\n${slackEscape(`${a.rule.title} (${ruleText(a)})`)}` },
        { type: 'mrkdwn', text: `*Severity*\n${a.severity}` },
        { type: 'mrkdwn', text: `*Entity*\n${slackEscape(entityText(a))}` },
        { type: 'mrkdwn', text: `*Count*\n${a.count}` },
        { type: 'mrkdwn', text: `*Time*\n${timeRange(a)}` },
      ],
    });
    const ev = a.events.map((e) => '• ' + eventLine(e)).join('\n');
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cut(`${slackEscape(a.summary)}\n${slackEscape(ev)}\n<${a.link}|Open alert>`),
      },
    });
  }
  const more = m.alertsOmitted > 0 ? `${m.alertsOmitted} more alerts · ` : '';
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: slackEscape(more + suppressedText(m)) }],
  });
  return { text: slackEscape(m.title), blocks };
}

export function createSlackReceiver(c: SlackReceiverConfig): Receiver {
  return {
    name: c.name,
    type: 'slack',
    send: (m, ctx) =>
      postJson(c.name, c.url, JSON.stringify(slackPayload(m)), {}, c.timeout_secs, ctx.nowMs),
    close: async () => {},
  };
}
