/**
 * The questionnaire, as data: what an assessor asks about an organization's security logging
 * (the seed's five questions first, then the ones that follow from A09, ASVS V7/V16 and PCI DSS
 * 10). Each answer is read by keyword/intent rules, tried in order; the first that matches names
 * the intent and the findings it implies (none when the answer is good). An answer no rule
 * matches is `unclear`: the follow-up is asked instead of guessing.
 */
import type { FindingId } from '../report/finding-defs.js';
import type { FindingSeverity } from '../report/finding.js';

export interface AnswerRule {
  readonly intent: string;
  /** Any of these matches (case-insensitive). */
  readonly match?: readonly RegExp[];
  /** ...unless one of these does. */
  readonly unless?: readonly RegExp[];
  /** Matches when the answer names a duration in [min, max) days. */
  readonly days?: readonly [number, number];
  /** How the answer was read, for the report. */
  readonly reading: string;
  readonly findings: readonly FindingId[];
  readonly severity?: FindingSeverity;
}

export interface Question {
  readonly id: string;
  readonly text: string;
  /** Asked when no rule matches the answer. */
  readonly followUp: string;
  readonly rules: readonly AnswerRule[];
}

// Shared yes/no vocabulary. Negative first: "not sure", "no idea" and "don't know" are no.
const NO = [
  /^\s*(?:no|nope|nah|never|not|none|nobody|nothing)\b/i,
  /\b(?:not (?:really|sure|that i know|as far as i know)|don'?t know|no idea|i doubt|probably not|we don'?t|isn'?t|aren'?t|wouldn'?t)\b/i,
];
const YES = [/^\s*(?:yes|yeah|yep|sure|of course|absolutely|definitely|always)\b/i];

export const QUESTIONS: readonly Question[] = [
  {
    id: 'what_logged',
    text: 'What do you log?',
    followUp:
      'Which events do you log: every request, or specific ones such as logins, failed logins and access denied?',
    rules: [
      {
        intent: 'nothing',
        match: [/^\s*(?:nothing|none|we don'?t|no logging)\b/i],
        reading: 'nothing is logged',
        findings: ['INT-AUTH-NOT-LOGGED', 'INT-NO-INVENTORY'],
        severity: 'critical',
      },
      {
        intent: 'everything',
        match: [
          /\ball (?:the )?(?:connections|requests|traffic|access)\b/i,
          /\beverything\b/i,
          /\bevery (?:request|connection|hit)\b/i,
        ],
        reading: 'every connection, with no list of the security events that matter',
        findings: ['INT-LOG-ALL'],
      },
      {
        intent: 'server_defaults',
        match: [/\b(?:default|access) logs?\b/i, /\bwhatever (?:apache|nginx|iis|the server)\b/i],
        reading: "only the web server's default access log, no application security events",
        findings: ['INT-LOG-ALL', 'INT-AUTH-NOT-LOGGED'],
      },
      {
        intent: 'security_events',
        match: [
          /\blog ?ins?\b|\bauthenticat|\bsecurity events?\b|\baccess denied\b|\bauthori[sz]ation\b|\bfailed\b/i,
        ],
        reading: 'named security events',
        findings: [],
      },
    ],
  },
  {
    id: 'event_content',
    text: 'What does each log event contain?',
    followUp:
      'Does each event say who (IP address, user), what happened (event type, success or failure) and where (server, page or operation)?',
    rules: [
      {
        intent: 'time_and_url',
        match: [
          /\b(?:just|only|mainly|mostly|basically)\b.*\b(?:time ?stamps?|times?|dates?|urls?|paths?|pages?)\b/i,
          /\btime ?stamp and (?:the )?url\b/i,
        ],
        unless: [/\b(?:user|ip|address|outcome|status|session|result)\b/i],
        reading: 'only the time and the URL: no who, no what, no outcome',
        findings: ['INT-CONTENT-POOR'],
      },
      {
        intent: 'rich',
        match: [
          /\b(?:user|account)\b.*\b(?:ip|address|source)\b|\b(?:ip|address|source)\b.*\b(?:user|account)\b/i,
        ],
        unless: [/\b(?:no|not|without)\b.*\b(?:user|ip)\b/i],
        reading: 'who, what and where are recorded',
        findings: [],
      },
      {
        intent: 'partial',
        match: [/\b(?:ip|address|status|user|url|time)\b/i],
        reading: 'some context, but not who, what, where and the outcome together',
        findings: ['INT-CONTENT-POOR'],
        severity: 'medium',
      },
    ],
  },
  {
    id: 'review_frequency',
    text: 'How often are the logs reviewed, and by whom?',
    followUp:
      'Is there a fixed schedule (daily, weekly) or automated alerting, or are logs only looked at after a problem?',
    rules: [
      {
        intent: 'reactive',
        match: [
          /\bonly (?:if|when|after)\b/i,
          /\bif (?:we|there|something)\b/i,
          /\bwhen (?:something|there'?s|we see|a customer|users?)\b/i,
          /\b(?:after an? |when there'?s an )?incident\b/i,
          /\b(?:rarely|never|not regularly|ad hoc|lot of traffic)\b/i,
        ],
        reading: 'only after something looks wrong: quiet attacks are never reviewed',
        findings: ['INT-REVIEW-REACTIVE'],
      },
      {
        intent: 'daily_or_automated',
        match: [
          /\b(?:daily|every day|each day|every morning|continuous(?:ly)?|real[- ]?time|automat\w*|siem|24\/7|soc)\b/i,
        ],
        reading: 'reviewed at least daily or automatically',
        findings: [],
      },
      {
        intent: 'periodic',
        match: [/\b(?:weekly|monthly|every (?:week|month)|once a (?:week|month)|quarterly)\b/i],
        reading: 'reviewed, but less often than daily',
        findings: ['INT-REVIEW-REACTIVE'],
        severity: 'medium',
      },
    ],
  },
  {
    id: 'high_value_flagging',
    text: 'How are high-value events (failed logins, access denied, admin changes) flagged?',
    followUp:
      'When a burst of failed logins happens, does anything mark it or send an alert, and to whom?',
    rules: [
      {
        intent: 'not_flagged',
        match: [
          /^\s*(?:they )?(?:aren'?t|are not|not|no|none|nothing|we don'?t|they'?re not)\b/i,
          /\bnot (?:flagged|marked|alerted)\b/i,
          /\bno (?:alerts?|flags?|alerting)\b/i,
        ],
        reading: 'high-value events are not flagged or alerted',
        findings: ['INT-NO-FLAGGING'],
      },
      {
        intent: 'alerting',
        match: [
          /\b(?:alert\w*|pag(?:e|ed|ing)|notif\w+|flag(?:ged)?|severity|siem|e-?mail|slack|teams|tagged|rules?)\b/i,
        ],
        reading: 'flagged and alerted',
        findings: [],
      },
    ],
  },
  {
    id: 'storage_location',
    text: 'Where are the logs stored?',
    followUp:
      'Are the logs only on the server that writes them, or also copied to a separate system?',
    rules: [
      {
        intent: 'central',
        match: [
          /\b(?:central\w*|siem|separate|remote|ship\w*|forward\w*|splunk|elastic\w*|graylog|loki|datadog|s3|worm|immutable|replica\w*|logwarden|syslog server|log server)\b/i,
        ],
        reading: 'copied to a separate system',
        findings: [],
      },
      {
        intent: 'local_only',
        match: [
          /\b(?:on|in) the (?:web ?|app\w* |same )?(?:server|machine|host|box|vm)s?\b/i,
          /\blocal(?:ly)?\b/i,
          /\/var\/log/i,
          /\blocal disk\b/i,
        ],
        reading:
          'only on the server that produces them: whoever compromises it can erase the evidence',
        findings: ['INT-LOCAL-STORAGE'],
      },
    ],
  },
  {
    id: 'retention',
    text: 'How long are logs kept?',
    followUp:
      'How many days, months or years are logs kept before they are deleted or rotated away?',
    rules: [
      {
        intent: 'short',
        days: [0, 365],
        reading: 'kept for less than 12 months',
        findings: ['INT-RETENTION'],
      },
      {
        intent: 'sufficient',
        days: [365, Infinity],
        reading: 'kept for 12 months or more',
        findings: [],
      },
      {
        intent: 'unknown',
        match: [
          /\b(?:don'?t know|not sure|no idea|until (?:the )?disk|rotat\w+|no policy|depends)\b/i,
        ],
        reading: 'no defined retention',
        findings: ['INT-RETENTION'],
      },
      {
        intent: 'forever',
        match: [/\b(?:forever|indefinitely|never (?:delete|purge))\b/i],
        reading: 'kept indefinitely (check personal-data limits)',
        findings: [],
      },
    ],
  },
  {
    id: 'who_told',
    text: 'Who is told when something suspicious is logged, and how quickly?',
    followUp: 'If an attack were logged tonight, which person would hear about it, and how?',
    rules: [
      {
        intent: 'nobody',
        match: NO.concat([/\bno ?one\b|\bno-one\b/i]),
        reading: 'nobody is told',
        findings: ['INT-NO-NOTIFY'],
      },
      {
        intent: 'someone',
        match: [
          /\b(?:on[- ]?call|security team|sysadmins?|admins?|ops|soc|we get|e-?mail|pag(?:e|ed)|slack|teams|manager|cto|ciso|the team|me)\b/i,
        ],
        reading: 'a named person or team is notified',
        findings: [],
      },
    ],
  },
  {
    id: 'time_sync',
    text: 'Are server clocks synchronized (NTP), and in which time zone are logs written?',
    followUp:
      'Do the servers run NTP (chrony, systemd-timesyncd) against a designated time source?',
    rules: [
      {
        intent: 'not_synced',
        match: NO.concat([/\bmanual(?:ly)?\b/i]),
        reading: 'clocks are not (known to be) synchronized',
        findings: ['INT-TIME-SYNC'],
      },
      {
        intent: 'synced',
        match: YES.concat([/\b(?:ntp|chrony|timesyncd|synchroni[sz]ed|time ?servers?|ptp)\b/i]),
        reading: 'clocks are synchronized',
        findings: [],
      },
    ],
  },
  {
    id: 'log_access',
    text: 'Who can read, change or delete the logs?',
    followUp:
      'Is access to the log files restricted to specific people, and can those people change them?',
    rules: [
      {
        intent: 'anyone',
        match: [
          /\b(?:anyone|anybody|everyone|everybody|all (?:developers|devs|staff|users|admins|engineers)|whole team|no restrictions?|not restricted)\b/i,
        ],
        reading: 'access to the logs is not restricted',
        findings: ['INT-ACCESS'],
      },
      {
        intent: 'restricted',
        match: [
          /\b(?:only|restricted|limited|security team|role|read-?only|append[- ]only|nobody can (?:change|delete))\b/i,
        ],
        reading: 'access is restricted',
        findings: [],
      },
    ],
  },
  {
    id: 'sensitive_data',
    text: 'Could passwords, session ids, card numbers or personal data end up in the logs?',
    followUp:
      'Are request bodies, query strings or headers logged, and is anything redacted before writing?',
    rules: [
      {
        intent: 'protected',
        match: [
          /\b(?:redact\w*|mask\w*|filter\w*|scrub\w*|hash\w*)\b/i,
          /^\s*(?:no|never)\b(?!.*\b(?:idea|sure)\b)/i,
        ],
        unless: [/\bnot (?:redact|mask|filter)/i],
        reading: 'sensitive data is kept out or redacted',
        findings: [],
      },
      {
        intent: 'possible',
        match: [
          /\b(?:yes|maybe|possibly|probably|might|could|not sure|don'?t know|no idea|request bod(?:y|ies)|everything)\b/i,
        ],
        reading: 'secrets or personal data may be in the logs',
        findings: ['INT-SENSITIVE'],
      },
    ],
  },
  {
    id: 'auth_logged',
    text: 'Are logins (successful and failed) and access-denied decisions logged, with the user and source?',
    followUp:
      'If someone tried 100 passwords against one account, would each failed attempt be in the logs?',
    rules: [
      {
        intent: 'not_logged',
        match: NO.concat([/\bonly (?:the )?(?:url|request)\b/i]),
        reading: 'authentication and access decisions are not logged',
        findings: ['INT-AUTH-NOT-LOGGED'],
      },
      {
        intent: 'logged',
        match: YES.concat([/\b(?:both|all of them|each|every)\b/i]),
        reading: 'logged',
        findings: [],
      },
    ],
  },
  {
    id: 'logging_failure',
    text: 'Would you notice if logging stopped on a server?',
    followUp: 'Is there anything that alerts when a server stops sending logs?',
    rules: [
      {
        intent: 'unnoticed',
        match: NO,
        reading: 'a logging outage would go unnoticed',
        findings: ['INT-LOGGING-FAILURE'],
      },
      {
        intent: 'noticed',
        match: YES.concat([/\b(?:alert\w*|monitor\w*|heartbeat|silence)\b/i]),
        reading: 'a logging outage raises an alert',
        findings: [],
      },
    ],
  },
  {
    id: 'integrity',
    text: 'Would a change or deletion of existing log entries be detected?',
    followUp:
      'Are the logs hashed, signed or kept on write-once storage, so a change can be proven?',
    rules: [
      {
        intent: 'undetected',
        match: NO,
        reading: 'changes to the logs would not be detected',
        findings: ['INT-INTEGRITY'],
      },
      {
        intent: 'detected',
        match: YES.concat([
          /\b(?:hash\w*|sign\w*|worm|immutable|append[- ]only|fim|file integrity|ledger|merkle)\b/i,
        ]),
        reading: 'changes are detected',
        findings: [],
      },
    ],
  },
  {
    id: 'inventory',
    text: 'Is there a written inventory of what is logged, where, who can read it and for how long?',
    followUp: 'Could you show a document that lists each log source, its events and its retention?',
    rules: [
      { intent: 'none', match: NO, reading: 'no log inventory', findings: ['INT-NO-INVENTORY'] },
      {
        intent: 'documented',
        match: YES.concat([/\b(?:document\w*|wiki|inventory|runbook|policy)\b/i]),
        reading: 'documented',
        findings: [],
      },
    ],
  },
];

export const QUESTION_IDS: readonly string[] = QUESTIONS.map((q) => q.id);
