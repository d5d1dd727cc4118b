/**
 * The requirement catalogue every assessment finding maps to: OWASP Top 10 A09:2021, ASVS 4.0.3
 * chapter V7, ASVS 5.0 chapter V16 and PCI DSS v4.0 requirement 10 (plus 3.5.1 for card numbers
 * found in logs). Texts are short summaries of the published requirement, not quotations; the id
 * is what an assessor cites. A finding that names an id missing here is a bug (finding-defs.test).
 */
import { LogwardenError } from '../../core/errors.js';

export type Standard = 'owasp' | 'asvs4' | 'asvs5' | 'pci';

export interface Requirement {
  readonly id: string;
  readonly standard: Standard;
  /** How the id is cited in a report, e.g. `ASVS 4.0.3 V7.1.1`. */
  readonly label: string;
  readonly text: string;
}

const STANDARD_PREFIX: Readonly<Record<Standard, string>> = {
  owasp: 'OWASP Top 10',
  asvs4: 'ASVS 4.0.3',
  asvs5: 'ASVS 5.0',
  pci: 'PCI DSS v4.0',
};

const ROWS: ReadonlyArray<readonly [Standard, string, string]> = [
  [
    'owasp',
    'A09:2021',
    'Security Logging and Monitoring Failures: auditable events not logged, unclear messages, logs only stored locally, no alerting or escalation, attacks not detected in real time.',
  ],
  // ASVS 4.0.3 V7 Error Handling and Logging (V7.3.2 was removed in 4.0.3).
  [
    'asvs4',
    'V7.1.1',
    'Credentials and payment details are not logged; session tokens only in irreversible hashed form.',
  ],
  ['asvs4', 'V7.1.2', 'Other sensitive data (as defined by privacy law or policy) is not logged.'],
  [
    'asvs4',
    'V7.1.3',
    'Security relevant events are logged: successful and failed authentication, access control failures, deserialization failures, input validation failures.',
  ],
  [
    'asvs4',
    'V7.1.4',
    'Each log event carries the information needed to investigate the timeline of an event.',
  ],
  [
    'asvs4',
    'V7.2.1',
    'All authentication decisions are logged with the metadata needed for investigation, without session tokens or passwords.',
  ],
  [
    'asvs4',
    'V7.2.2',
    'All access control decisions can be logged and all failed decisions are logged.',
  ],
  ['asvs4', 'V7.3.1', 'All logging components encode data to prevent log injection.'],
  ['asvs4', 'V7.3.3', 'Security logs are protected from unauthorized access and modification.'],
  [
    'asvs4',
    'V7.3.4',
    'Time sources are synchronized to the correct time and time zone (consider UTC).',
  ],
  [
    'asvs4',
    'V7.4.1',
    'A generic message is shown on unexpected errors, with a unique id support staff can use to investigate.',
  ],
  ['asvs4', 'V7.4.2', 'Exception handling accounts for expected and unexpected error conditions.'],
  ['asvs4', 'V7.4.3', 'A last-resort error handler catches all unhandled exceptions.'],
  // ASVS 5.0 V16 Security Logging and Error Handling.
  [
    'asvs5',
    'V16.1.1',
    'An inventory documents the logging at each layer: events, formats, storage, use, access control and retention.',
  ],
  [
    'asvs5',
    'V16.2.1',
    'Each log entry carries the metadata (when, where, who, what) needed to investigate a timeline.',
  ],
  [
    'asvs5',
    'V16.2.2',
    'Time sources are synchronized; timestamps use UTC or carry an explicit offset.',
  ],
  [
    'asvs5',
    'V16.2.3',
    'Logs are only stored or sent to the files and services named in the log inventory.',
  ],
  [
    'asvs5',
    'V16.2.4',
    'Logs can be read and correlated by the log processor in use, preferably in a common format.',
  ],
  [
    'asvs5',
    'V16.2.5',
    'Sensitive data is logged according to its protection level: never credentials or payment details; session tokens only hashed or masked.',
  ],
  ['asvs5', 'V16.3.1', 'All authentication operations are logged, successful and unsuccessful.'],
  ['asvs5', 'V16.3.2', 'Failed authorization attempts are logged.'],
  [
    'asvs5',
    'V16.3.3',
    'Documented security events and attempts to bypass security controls (input validation, business logic, anti-automation) are logged.',
  ],
  ['asvs5', 'V16.3.4', 'Unexpected errors and security control failures are logged.'],
  ['asvs5', 'V16.4.1', 'All logging components encode data to prevent log injection.'],
  ['asvs5', 'V16.4.2', 'Logs are protected from unauthorized access and cannot be modified.'],
  [
    'asvs5',
    'V16.4.3',
    'Logs are sent securely to a logically separate system for analysis, detection, alerting and escalation.',
  ],
  ['asvs5', 'V16.5.1', 'A generic message is returned on unexpected or security-sensitive errors.'],
  // PCI DSS v4.0 requirement 10: log and monitor all access to system components and data.
  [
    'pci',
    '10.2.1',
    'Audit logs are enabled and active for all system components and cardholder data.',
  ],
  ['pci', '10.2.1.1', 'Audit logs capture all individual user access to cardholder data.'],
  ['pci', '10.2.1.2', 'Audit logs capture all actions taken by anyone with administrative access.'],
  ['pci', '10.2.1.3', 'Audit logs capture all access to audit logs.'],
  ['pci', '10.2.1.4', 'Audit logs capture all invalid logical access attempts.'],
  [
    'pci',
    '10.2.1.5',
    'Audit logs capture all changes to identification and authentication credentials.',
  ],
  ['pci', '10.2.1.6', 'Audit logs capture initialization, stopping or pausing of the audit logs.'],
  ['pci', '10.2.1.7', 'Audit logs capture creation and deletion of system-level objects.'],
  [
    'pci',
    '10.2.2',
    'Each audit log entry records user, event type, date and time, success or failure, origin, and the affected data, component or resource.',
  ],
  ['pci', '10.3.1', 'Read access to audit logs is limited to those with a job-related need.'],
  ['pci', '10.3.2', 'Audit log files are protected against modification by individuals.'],
  [
    'pci',
    '10.3.3',
    'Audit logs are promptly backed up to a secure, central log server or media that is difficult to modify.',
  ],
  [
    'pci',
    '10.3.4',
    'File integrity monitoring or change detection alerts on any change to existing log data.',
  ],
  [
    'pci',
    '10.4.1',
    'Security events and logs of critical components are reviewed at least once daily.',
  ],
  ['pci', '10.4.1.1', 'Automated mechanisms perform the audit log reviews.'],
  ['pci', '10.4.2', 'Logs of all other system components are reviewed periodically.'],
  ['pci', '10.4.3', 'Exceptions and anomalies found during review are addressed.'],
  [
    'pci',
    '10.5.1',
    'Audit log history is retained for at least 12 months, the last three months immediately available.',
  ],
  ['pci', '10.6.1', 'System clocks are synchronized using time-synchronization technology.'],
  ['pci', '10.6.2', 'Systems are configured to the correct and consistent time.'],
  ['pci', '10.6.3', 'Time synchronization settings and data are protected.'],
  [
    'pci',
    '10.7.2',
    'Failures of critical security control systems (including audit logging) are detected, alerted and addressed promptly.',
  ],
  ['pci', '10.7.3', 'Failures of critical security control systems are responded to promptly.'],
  ['pci', '3.5.1', 'PAN is rendered unreadable anywhere it is stored (logs included).'],
];

/** Catalogue id: `A09:2021`, `ASVS4:V7.1.1`, `ASVS5:V16.2.1`, `PCI:10.2.2`. */
function catalogueId(standard: Standard, id: string): string {
  return standard === 'owasp' ? id : `${standard === 'pci' ? 'PCI' : standard.toUpperCase()}:${id}`;
}

export const REQUIREMENTS: ReadonlyMap<string, Requirement> = new Map(
  ROWS.map(([standard, id, text]) => {
    const key = catalogueId(standard, id);
    const label = standard === 'owasp' ? `OWASP ${id}` : `${STANDARD_PREFIX[standard]} ${id}`;
    return [key, { id: key, standard, label, text }] as const;
  }),
);

/** True when `id` is in the catalogue. */
export function isRequirementId(id: string): boolean {
  return REQUIREMENTS.has(id);
}

/**
 * The requirement for an id; throws for an unknown one (a mapping typo must not pass silently).
 *
 * @example
 * requirement('PCI:10.2.2').label; // 'PCI DSS v4.0 10.2.2'
 */
export function requirement(id: string): Requirement {
  const r = REQUIREMENTS.get(id);
  if (r === undefined)
    throw new LogwardenError('LW_INTERNAL', `unknown requirement id ${JSON.stringify(id)}`);
  return r;
}
