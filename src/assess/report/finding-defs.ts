/**
 * Every finding an assessment can raise, as data: title, default severity, the fix an assessor
 * would write, and the requirement ids (requirements.ts) it fails. The test beside this file
 * fails on an id missing from the catalogue.
 */
import type { FindingSeverity } from './finding.js';

export interface FindingDef {
  readonly title: string;
  readonly severity: FindingSeverity;
  readonly fix: string;
  readonly refs: readonly string[];
}

const A09 = 'A09:2021';

export const FINDING_DEFS = {
  // ---- audit: what the sample log shows ----
  'AUD-SECRET': {
    title: 'Passwords, tokens or keys are written to the log',
    severity: 'critical',
    fix: 'Stop logging credentials at the source (remove request bodies, query strings with secrets and Authorization headers from log formats); redact by field name and pattern before writing (logwarden SDK redaction); rotate every credential that appears in the logs and purge the affected files.',
    refs: [A09, 'ASVS4:V7.1.1', 'ASVS5:V16.2.5', 'PCI:10.3.1'],
  },
  'AUD-CARD': {
    title: 'Payment card numbers (PAN) are written to the log',
    severity: 'critical',
    fix: 'Never log a PAN: mask it at the source (first six / last four at most) and purge the affected logs; treat the log store as in PCI scope until it is clean.',
    refs: [A09, 'ASVS4:V7.1.1', 'ASVS5:V16.2.5', 'PCI:3.5.1'],
  },
  'AUD-SESSION': {
    title: 'Raw session identifiers are written to the log',
    severity: 'high',
    fix: 'Log a keyed hash of the session id (HMAC-SHA-256), never the cookie value itself; anyone who reads the log can otherwise hijack live sessions.',
    refs: ['ASVS4:V7.1.1', 'ASVS5:V16.2.5'],
  },
  'AUD-PII': {
    title: 'Personal data is written to the log',
    severity: 'medium',
    fix: 'Log a stable user id instead of e-mail addresses or national ids; where personal data is needed, mask or pseudonymize it and document it in the log inventory with its retention.',
    refs: ['ASVS4:V7.1.2', 'ASVS5:V16.2.5'],
  },
  'AUD-INJECTION': {
    title: 'Control characters in log lines (log injection, CWE-117)',
    severity: 'high',
    fix: 'Encode CR, LF, ESC and other control characters before writing (or log structured JSON, which escapes them); a forged line or an ANSI sequence must never reach a log viewer or terminal.',
    refs: [A09, 'ASVS4:V7.3.1', 'ASVS5:V16.4.1'],
  },
  'AUD-NO-TIME': {
    title: 'Log lines without a timestamp',
    severity: 'high',
    fix: 'Write an RFC 3339 timestamp with an explicit offset (preferably UTC, `2026-11-27T09:00:00Z`) on every line.',
    refs: ['ASVS4:V7.1.4', 'ASVS5:V16.2.1', 'PCI:10.2.2'],
  },
  'AUD-TIME-ZONE': {
    title: 'Timestamps carry no time zone',
    severity: 'medium',
    fix: 'Log in UTC or with an explicit offset; a zone-less time cannot be correlated across servers or across a daylight-saving change.',
    refs: ['ASVS4:V7.3.4', 'ASVS5:V16.2.2', 'PCI:10.6.2'],
  },
  'AUD-NO-WHO': {
    title: 'Log lines do not say who acted',
    severity: 'high',
    fix: 'Record the client address, the authenticated user id and a hashed session id on every security event (the logwarden SDK fills them from the request).',
    refs: ['ASVS4:V7.1.4', 'ASVS5:V16.2.1', 'PCI:10.2.2'],
  },
  'AUD-NO-WHAT': {
    title: 'Log lines do not say what happened',
    severity: 'high',
    fix: 'Name each security event (OWASP Logging Vocabulary: `authn_login_fail`, `authz_fail`, ...) and the operation (`event.action`); a URL alone does not say what the request did.',
    refs: ['ASVS4:V7.1.4', 'ASVS5:V16.2.1', 'PCI:10.2.2'],
  },
  'AUD-NO-OUTCOME': {
    title: 'Log lines do not record success or failure',
    severity: 'high',
    fix: 'Record the outcome (success/failure) and the HTTP status of every event; without it a failed attack and a successful one look the same.',
    refs: ['ASVS4:V7.1.4', 'ASVS5:V16.2.1', 'PCI:10.2.2'],
  },
  'AUD-NO-WHERE': {
    title: 'Log lines do not say where (host, service, method, route)',
    severity: 'medium',
    fix: 'Record host and service name, HTTP method and the route template or operation on each event.',
    refs: ['ASVS5:V16.2.1', 'PCI:10.2.2'],
  },
  'AUD-NO-LOGIN': {
    title: 'No authentication events (login success and failure)',
    severity: 'high',
    fix: 'Log every login success and failure with user, source address and reason (`authn_login_success`, `authn_login_fail`), and lockouts.',
    refs: [A09, 'ASVS4:V7.1.3', 'ASVS4:V7.2.1', 'ASVS5:V16.3.1', 'PCI:10.2.1.4'],
  },
  'AUD-NO-AUTHZ': {
    title: 'No authorization failures are logged',
    severity: 'medium',
    fix: 'Log each denied access (`authz_fail`) with the user, the resource and the rule that denied it.',
    refs: ['ASVS4:V7.2.2', 'ASVS5:V16.3.2', 'PCI:10.2.1.4'],
  },
  'AUD-NO-INPUT': {
    title: 'No input validation failures are logged',
    severity: 'medium',
    fix: 'Log rejected input (`input_validation_fail`) with the field name (not the value); bursts of them are how injection attempts show up.',
    refs: ['ASVS4:V7.1.3', 'ASVS5:V16.3.3'],
  },
  'AUD-NO-ERRORS': {
    title: 'No error events are logged',
    severity: 'medium',
    fix: 'Log unexpected errors and security control failures with a request id (`sys_crash`, error type and message, no stack trace to the client).',
    refs: ['ASVS4:V7.4.2', 'ASVS5:V16.3.4'],
  },
  'AUD-NO-ADMIN': {
    title: 'No administrative actions are logged',
    severity: 'medium',
    fix: 'Log every administrative action and every change to accounts, roles and credentials (`authz_admin`, `user_created`, `privilege_permissions_changed`).',
    refs: ['ASVS5:V16.3.3', 'PCI:10.2.1.2', 'PCI:10.2.1.5'],
  },
  'AUD-UNPARSED': {
    title: 'Lines in no recognizable format',
    severity: 'low',
    fix: 'Use one structured format (JSON lines with named fields, or a standard access-log format) so the log processor can read and correlate every line.',
    refs: ['ASVS5:V16.2.4'],
  },
  'AUD-NOISE': {
    title: 'Mostly low-value events: cost without security value',
    severity: 'low',
    fix: 'Capture security events by name and sample plain requests (logwarden SDK `requests.sample`); keep retention per category. Logging every connection buries incidents and costs storage.',
    refs: [A09, 'ASVS5:V16.1.1'],
  },
  'AUD-ATTACKS': {
    title: 'Attacks and incidents in the sample that nobody was alerted to',
    severity: 'high',
    fix: 'Run detection continuously on these logs (`logwarden serve` with the OWASP rule pack) and route alerts to a person; review the listed sources now.',
    refs: [A09, 'PCI:10.4.1', 'PCI:10.4.1.1', 'ASVS5:V16.4.3'],
  },
  'AUD-BRUTEFORCE': {
    title: 'Brute force or password guessing found in the sample',
    severity: 'high',
    fix: 'Block or rate-limit the listed sources (fail2ban-style), alert on repeated failures, and check whether any of them later logged in successfully.',
    refs: [A09, 'PCI:10.2.1.4', 'PCI:10.4.1.1', 'ASVS5:V16.3.1'],
  },
  // ---- interview: what the organization says ----
  'INT-LOG-ALL': {
    title: 'Everything is logged instead of the security events',
    severity: 'medium',
    fix: 'Decide which security events matter (OWASP Logging Vocabulary), capture them by name with full context, and sample the rest; write that down in a log inventory.',
    refs: [A09, 'ASVS4:V7.1.3', 'ASVS5:V16.1.1'],
  },
  'INT-CONTENT-POOR': {
    title: 'Events carry too little to investigate (no who, what, outcome)',
    severity: 'high',
    fix: 'Each security event must carry when (UTC), where (host, service, route), who (address, user, hashed session), what (event name, operation) and the outcome.',
    refs: ['ASVS4:V7.1.4', 'ASVS5:V16.2.1', 'PCI:10.2.2'],
  },
  'INT-AUTH-NOT-LOGGED': {
    title: 'Authentication and access decisions are not logged',
    severity: 'high',
    fix: 'Log every login success and failure, lockout, password change and denied access with user and source.',
    refs: ['ASVS4:V7.2.1', 'ASVS4:V7.2.2', 'ASVS5:V16.3.1', 'ASVS5:V16.3.2', 'PCI:10.2.1.4'],
  },
  'INT-REVIEW-REACTIVE': {
    title: 'Logs are only reviewed after something looks wrong',
    severity: 'high',
    fix: 'Review security events at least daily, with automated detection doing the first pass (logwarden review tasks with sign-off); a quiet attack never "looks like a lot of traffic".',
    refs: [A09, 'PCI:10.4.1', 'PCI:10.4.1.1', 'PCI:10.4.2'],
  },
  'INT-NO-FLAGGING': {
    title: 'High-value events are not flagged or alerted',
    severity: 'high',
    fix: 'Give security events severities, alert on the high ones in real time and route them to a named person (logwarden rules and routing).',
    refs: [A09, 'PCI:10.4.1.1', 'PCI:10.4.3', 'ASVS5:V16.4.3'],
  },
  'INT-NO-NOTIFY': {
    title: 'Nobody is told when something happens',
    severity: 'high',
    fix: 'Name who is notified for each severity, with an escalation path when an alert is not acknowledged.',
    refs: [A09, 'PCI:10.4.3', 'PCI:10.7.3'],
  },
  'INT-LOCAL-STORAGE': {
    title: 'Logs are kept only on the server that produces them',
    severity: 'high',
    fix: 'Ship logs promptly to a separate, append-only store (logwarden ledger with replicas); an attacker who owns the web server can otherwise erase the evidence.',
    refs: [A09, 'ASVS4:V7.3.3', 'ASVS5:V16.4.2', 'ASVS5:V16.4.3', 'PCI:10.3.2', 'PCI:10.3.3'],
  },
  'INT-INTEGRITY': {
    title: 'A change to existing logs would go unnoticed',
    severity: 'medium',
    fix: 'Use tamper-evident storage (hash chain or Merkle checkpoints, `logwarden verify`) and alert on any change.',
    refs: ['PCI:10.3.4', 'ASVS5:V16.4.2'],
  },
  'INT-ACCESS': {
    title: 'Access to the logs is not restricted',
    severity: 'high',
    fix: 'Limit read access to people with a job-related need, and log access to the logs themselves.',
    refs: ['PCI:10.3.1', 'PCI:10.2.1.3', 'ASVS4:V7.3.3', 'ASVS5:V16.4.2'],
  },
  'INT-RETENTION': {
    title: 'Logs are not kept long enough',
    severity: 'medium',
    fix: 'Keep security logs for at least 12 months, the last three immediately searchable; incidents are often found months later.',
    refs: ['PCI:10.5.1', 'ASVS5:V16.1.1'],
  },
  'INT-TIME-SYNC': {
    title: 'Clocks are not synchronized',
    severity: 'medium',
    fix: 'Synchronize every host with NTP (chrony/systemd-timesyncd) against designated time servers and log in UTC.',
    refs: ['ASVS4:V7.3.4', 'ASVS5:V16.2.2', 'PCI:10.6.1', 'PCI:10.6.2'],
  },
  'INT-SENSITIVE': {
    title: 'Secrets or personal data may be logged',
    severity: 'high',
    fix: 'Check what request data is logged; never log passwords, tokens, session ids or card numbers; redact before writing.',
    refs: ['ASVS4:V7.1.1', 'ASVS4:V7.1.2', 'ASVS5:V16.2.5'],
  },
  'INT-NO-INVENTORY': {
    title: 'There is no inventory of what is logged where',
    severity: 'low',
    fix: 'Write a log inventory: per layer, which events, format, where stored, who can read it, how long it is kept.',
    refs: ['ASVS5:V16.1.1', 'ASVS5:V16.2.3'],
  },
  'INT-LOGGING-FAILURE': {
    title: 'A logging outage would not be noticed',
    severity: 'medium',
    fix: 'Alert when a source goes silent or logging stops (logwarden silence detection, heartbeats).',
    refs: ['PCI:10.7.2', 'PCI:10.2.1.6'],
  },
  'INT-UNCLEAR': {
    title: 'Answer needs a follow-up',
    severity: 'info',
    fix: 'Ask the follow-up question and record the answer.',
    refs: [A09],
  },
  'INT-UNANSWERED': {
    title: 'Questions left unanswered',
    severity: 'medium',
    fix: 'Answer the remaining questions (logwarden interview --list); an unanswered control is treated as absent until shown otherwise.',
    refs: [A09, 'ASVS5:V16.1.1'],
  },
  // ---- probe: what a light attack shows ----
  'PRB-NOT-LOGGED': {
    title: 'Attack-like requests left no trace in the logs',
    severity: 'high',
    fix: 'Log failed logins, rejected and suspicious requests as security events (logwarden SDK middleware, or an access log shipped to logwarden); re-run the probe to confirm.',
    refs: [A09, 'ASVS4:V7.1.3', 'ASVS5:V16.3.3', 'PCI:10.2.1.4'],
  },
  'PRB-NOT-ALERTED': {
    title: 'Attack-like requests raised no alert',
    severity: 'high',
    fix: 'Enable detection for these patterns (OWASP rule pack, attack patterns, 404 scanning) and route its alerts to someone.',
    refs: [A09, 'PCI:10.4.1.1', 'ASVS5:V16.4.3'],
  },
  'PRB-MISSING-FIELDS': {
    title: 'Probe events were logged without who/what/where fields',
    severity: 'medium',
    fix: 'Make sure security events carry client address, user, method, route, status and event name.',
    refs: ['ASVS4:V7.1.4', 'ASVS5:V16.2.1', 'PCI:10.2.2'],
  },
} as const satisfies Record<string, FindingDef>;

export type FindingId = keyof typeof FINDING_DEFS;
