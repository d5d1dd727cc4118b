/**
 * Email over SMTP with nodemailer: STARTTLS required by default (`tls: starttls`), implicit TLS
 * (`tls: tls`, port 465) or plain (`none`, for a relay on loopback). Every message has a
 * plain-text part and an HTML part whose every value is HTML-escaped.
 */
import nodemailer from 'nodemailer';
import type { EmailReceiverConfig } from '../types.js';
import {
  entityText,
  eventLine,
  plainText,
  ruleText,
  suppressedText,
  timeRange,
  type NotificationMessage,
} from '../message.js';
import type { Receiver } from './receiver.js';
import { deliveryError } from './receiver.js';

export const htmlEscape = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function emailHtml(m: NotificationMessage): string {
  const e = htmlEscape;
  const parts = [`<h2>${e(m.title)}</h2>`];
  if (m.text) parts.push(`<p>${e(m.text)}</p>`);
  for (const a of m.alerts) {
    parts.push(
      `<table border="1" cellpadding="4" style="border-collapse:collapse">`,
      `<tr><th align="left">Rule</th><td>${e(`${a.rule.title} (${ruleText(a)})`)}</td></tr>`,
      `<tr><th align="left">Severity</th><td>${e(a.severity)}</td></tr>`,
      `<tr><th align="left">Entity</th><td>${e(entityText(a))}</td></tr>`,
      `<tr><th align="left">Count</th><td>${a.count}</td></tr>`,
      `<tr><th align="left">Time</th><td>${e(timeRange(a))}</td></tr>`,
      `</table>`,
      `<p>${e(a.summary)}</p>`,
      `<ul>${a.events.map((ev) => `<li><code>${e(eventLine(ev))}</code></li>`).join('')}</ul>`,
      `<p><a href="${e(a.link)}">Open alert</a></p>`,
    );
  }
  if (m.alertsOmitted > 0) parts.push(`<p>${m.alertsOmitted} more alerts in this group</p>`);
  parts.push(`<p><small>${e(suppressedText(m))}</small></p>`);
  return `<!doctype html><html><body>${parts.join('\n')}</body></html>`;
}

export function createEmailReceiver(c: EmailReceiverConfig): Receiver {
  const transport = nodemailer.createTransport({
    host: c.host,
    port: c.port,
    secure: c.tls === 'tls',
    requireTLS: c.tls === 'starttls',
    ignoreTLS: c.tls === 'none',
    tls: { rejectUnauthorized: c.reject_unauthorized },
    ...(c.username !== undefined ? { auth: { user: c.username, pass: c.password ?? '' } } : {}),
    connectionTimeout: c.timeout_secs * 1000,
    greetingTimeout: c.timeout_secs * 1000,
    socketTimeout: c.timeout_secs * 1000,
    logger: false,
    debug: false,
  });
  return {
    name: c.name,
    type: 'email',
    async send(m, ctx) {
      try {
        await transport.sendMail({
          from: c.from,
          to: [...c.to],
          subject: `${c.subject_prefix} ${m.severity.toUpperCase()}: ${m.title}`.replace(
            /[\r\n]+/g,
            ' ',
          ),
          text: plainText(m),
          html: emailHtml(m),
          headers: { 'X-Logwarden-Delivery': ctx.deliveryId },
        });
      } catch (e) {
        const x = e as { code?: string; responseCode?: number };
        // 4xx SMTP replies are transient (RFC 5321 §4.2.1); everything is retried anyway.
        throw deliveryError(c.name, `SMTP ${x.responseCode ?? x.code ?? 'error'}`, undefined, e);
      }
    },
    close: async () => transport.close(),
  };
}
