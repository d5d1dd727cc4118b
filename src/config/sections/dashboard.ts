import { z } from 'zod';
import { defineSection } from './define.js';

const secs = () => z.number().int().positive();
const count = () => z.number().int().positive();
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * The web dashboard served by `logwarden serve` at /ui/: local users (`logwarden users create`),
 * sessions, login lockout, review tasks and digests. Secure by default: strict cookies, CSRF
 * tokens, a strict Content-Security-Policy, short sessions.
 */
export const dashboardSection = defineSection({
  schema: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Serve the dashboard at /ui/ (users log in).'),
      secure_cookies: z
        .enum(['auto', 'always'])
        .default('auto')
        .describe(
          'Session cookie Secure flag and __Host- prefix: auto = when the request came over HTTPS; always = also behind a TLS-terminating proxy.',
        ),
      session_idle_secs: secs()
        .default(1800)
        .describe('A session ends after this long without a request (OWASP ASVS 3.3.2).'),
      session_absolute_secs: secs()
        .default(43_200)
        .describe('A session ends this long after login, active or not.'),
      login_max_failures: count()
        .default(5)
        .describe('Failed logins of one user within login_window_secs before it is locked.'),
      login_ip_max_failures: count()
        .default(20)
        .describe(
          'Failed logins from one client address within login_window_secs before it is locked out.',
        ),
      login_window_secs: secs().default(900).describe('Window over which failed logins count.'),
      lockout_secs: secs().default(900).describe('How long a locked user or address is refused.'),
      review_check_secs: secs()
        .default(60)
        .describe(
          'How often review tasks are checked for being overdue (an overdue task raises an alert).',
        ),
      review_grace_secs: z
        .number()
        .int()
        .nonnegative()
        .default(3600)
        .describe('A review task is overdue this long after it fell due.'),
      digest: z
        .strictObject({
          daily_at: z
            .string()
            .regex(HHMM, 'expected HH:MM (24-hour, UTC)')
            .optional()
            .describe(
              'UTC time of the daily review digest, e.g. "08:00"; absent = no daily digest.',
            ),
          weekly_on: z
            .enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'])
            .optional()
            .describe('Day of the weekly summary (sent at daily_at, or 08:00 UTC).'),
          receivers: z
            .array(z.string().min(1))
            .default([])
            .describe('Alert receivers (alerting.receivers names) the digests are sent to.'),
        })
        .prefault({})
        .describe(
          'Daily review digest and weekly summary: what happened, what is open, what is overdue.',
        ),
    })
    .prefault({}),
  validate(v) {
    const issues = [];
    if (v.session_idle_secs > v.session_absolute_secs)
      issues.push({
        path: ['session_idle_secs'],
        message: `must not exceed session_absolute_secs (${v.session_absolute_secs})`,
      });
    if ((v.digest.daily_at || v.digest.weekly_on) && v.digest.receivers.length === 0)
      issues.push({
        path: ['digest', 'receivers'],
        message: 'digests are scheduled but no receiver is named: add alerting receiver names',
      });
    return issues;
  },
});
