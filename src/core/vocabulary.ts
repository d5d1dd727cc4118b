/**
 * The OWASP Logging Vocabulary (OWASP Cheat Sheet Series, "Application Logging Vocabulary Cheat
 * Sheet"): all 49 events in ONE literal table that the rest of the code reads. Levels are the
 * cheat sheet's (INFO / WARN / CRITICAL); the default outcome is ours. Parameters keep the cheat
 * sheet's order (it is the order of `event:p1,p2` in the OWASP JSON format) and each names the
 * schema field or `attributes.*` key it fills.
 *
 * @example
 * VOCABULARY.authn_login_fail.level; // 'WARN'
 * const p: VocabularyParams<'authn_login_lock'> = { userid: 'joebob1', reason: 'maxretries' };
 */
import type { EventField, Outcome, Severity } from './event.js';
import { NON_VOCABULARY_EVENTS } from './event.js';

/**
 * Kind of a parameter value.
 *
 * @example
 * VOCABULARY.authn_login_successafterfail.params[1].kind; // 'number'
 */
export type ParamKind = 'string' | 'number' | 'string[]';

/**
 * One vocabulary parameter: its cheat-sheet name and where it is stored.
 *
 * @example
 * VOCABULARY.authz_fail.params[1]; // { name: 'resource', field: 'attributes.resource', kind: 'string' }
 */
export interface VocabularyParam {
  readonly name: string;
  /** A schema field, or `attributes.<key>`. */
  readonly field: EventField | `attributes.${string}`;
  readonly kind: ParamKind;
  /** Set when the cheat sheet writes `userid|IP`: this param shares the slot of the named one. */
  readonly sameSlotAs?: string;
}

/**
 * One row of the vocabulary table.
 *
 * @example
 * const e: VocabularyEntry = VOCABULARY.session_expired;
 */
export interface VocabularyEntry {
  readonly category: string;
  readonly level: Severity;
  readonly outcome: Outcome;
  readonly description: string;
  readonly params: readonly VocabularyParam[];
}

// Shared parameter specs (literal types survive, so VocabularyParams stays precise).
const USERID = { name: 'userid', field: 'user.id', kind: 'string' } as const;
const IP = { name: 'ip', field: 'client.address', kind: 'string', sameSlotAs: 'userid' } as const;
const USERAGENT = { name: 'useragent', field: 'user_agent.original', kind: 'string' } as const;
const REASON = { name: 'reason', field: 'event.reason', kind: 'string' } as const;
const OBJECT = { name: 'object', field: 'attributes.object', kind: 'string' } as const;
const FILENAME = { name: 'filename', field: 'attributes.filename', kind: 'string' } as const;
const ONUSERID = { name: 'onuserid', field: 'attributes.onuserid', kind: 'string' } as const;
const ATTRS = { name: 'attributes', field: 'attributes.changed', kind: 'string[]' } as const;
const TOKENID = { name: 'tokenid', field: 'attributes.tokenid', kind: 'string' } as const;
const MONITOR = { name: 'monitor', field: 'attributes.monitor', kind: 'string' } as const;
const attr = <N extends string>(name: N) =>
  ({ name, field: `attributes.${name}`, kind: 'string' }) as const;

/**
 * All 49 OWASP vocabulary events, keyed by name (one event per line, hence prettier-ignore).
 *
 * @example
 * VOCABULARY.authn_login_lock; // { category: 'authn', level: 'WARN', outcome: 'failure', ... }
 */
// prettier-ignore
export const VOCABULARY = {
  // Authentication [AUTHN] (12)
  authn_login_success: { category: 'authn', level: 'INFO', outcome: 'success', description: 'A user logged in successfully.', params: [USERID] },
  authn_login_successafterfail: { category: 'authn', level: 'INFO', outcome: 'success', description: 'A user logged in successfully after previous failures.', params: [USERID, { name: 'retries', field: 'attributes.retries', kind: 'number' }] },
  authn_login_fail: { category: 'authn', level: 'WARN', outcome: 'failure', description: 'A login attempt failed.', params: [USERID] },
  authn_login_fail_max: { category: 'authn', level: 'WARN', outcome: 'failure', description: 'A user reached the maximum number of failed logins.', params: [USERID, { name: 'maxlimit', field: 'attributes.maxlimit', kind: 'number' }] },
  authn_login_lock: { category: 'authn', level: 'WARN', outcome: 'failure', description: 'An account was locked (reason: maxretries, suspicious, customer, other).', params: [USERID, REASON] },
  authn_password_change: { category: 'authn', level: 'INFO', outcome: 'success', description: 'A user changed their password.', params: [USERID] },
  authn_password_change_fail: { category: 'authn', level: 'CRITICAL', outcome: 'failure', description: 'A password change failed.', params: [USERID] },
  authn_impossible_travel: { category: 'authn', level: 'CRITICAL', outcome: 'unknown', description: 'A user was active from two distant locations at the same time.', params: [USERID, attr('region1'), attr('region2')] },
  authn_token_created: { category: 'authn', level: 'INFO', outcome: 'success', description: 'A service token was created.', params: [USERID, { name: 'entitlements', field: 'attributes.entitlements', kind: 'string[]' }] },
  authn_token_revoked: { category: 'authn', level: 'INFO', outcome: 'success', description: 'A token was revoked.', params: [USERID, TOKENID] },
  authn_token_reuse: { category: 'authn', level: 'CRITICAL', outcome: 'failure', description: 'A revoked token was used again.', params: [USERID, TOKENID] },
  authn_token_delete: { category: 'authn', level: 'WARN', outcome: 'success', description: 'A token was deleted.', params: [attr('appid')] },
  // Authorization [AUTHZ] (3)
  authz_fail: { category: 'authz', level: 'CRITICAL', outcome: 'failure', description: 'A user tried to access a resource they are not entitled to.', params: [USERID, attr('resource')] },
  authz_change: { category: 'authz', level: 'WARN', outcome: 'success', description: "A user's entitlements changed.", params: [USERID, attr('from'), attr('to')] },
  authz_admin: { category: 'authz', level: 'WARN', outcome: 'success', description: 'A privileged user performed an administrative action.', params: [USERID, { name: 'event', field: 'event.action', kind: 'string' }] },
  // Encryption [CRYPT] (2)
  crypt_decrypt_fail: { category: 'crypt', level: 'WARN', outcome: 'failure', description: 'Decryption failed.', params: [USERID] },
  crypt_encrypt_fail: { category: 'crypt', level: 'WARN', outcome: 'failure', description: 'Encryption failed.', params: [USERID] },
  // Excessive use [EXCESS] (1)
  excess_rate_limit_exceeded: { category: 'excess', level: 'WARN', outcome: 'failure', description: 'A rate limit was exceeded.', params: [USERID, { name: 'max', field: 'attributes.max', kind: 'number' }] },
  // File upload [UPLOAD] (4)
  upload_complete: { category: 'upload', level: 'INFO', outcome: 'success', description: 'A file upload completed.', params: [USERID, FILENAME, attr('type')] },
  upload_stored: { category: 'upload', level: 'INFO', outcome: 'success', description: 'An uploaded file was stored under a new name or location.', params: [FILENAME, attr('from'), attr('to')] },
  upload_validation: { category: 'upload', level: 'INFO', outcome: 'unknown', description: 'Result of validating an uploaded file (virus scan, image check...): CRITICAL when it FAILED.', params: [FILENAME, attr('validator'), attr('result')] },
  upload_delete: { category: 'upload', level: 'INFO', outcome: 'success', description: 'An uploaded file was deleted.', params: [USERID, attr('fileid')] },
  // Input validation [INPUT] (2)
  input_validation_fail: { category: 'input', level: 'WARN', outcome: 'failure', description: 'Server-side input validation failed (client-side validation missing or bypassed).', params: [{ name: 'fields', field: 'attributes.fields', kind: 'string[]' }, USERID] },
  input_validation_discrete_fail: { category: 'input', level: 'WARN', outcome: 'failure', description: 'A value failed validation against a discrete list of options: the client was tampered with.', params: [attr('field'), USERID] },
  // Malicious behavior [MALICIOUS] (5)
  malicious_excess_404: { category: 'malicious', level: 'WARN', outcome: 'failure', description: 'Many requests for files that do not exist (force browsing).', params: [USERID, IP, USERAGENT] },
  malicious_extraneous: { category: 'malicious', level: 'CRITICAL', outcome: 'failure', description: 'Input the user interface cannot produce was submitted.', params: [USERID, IP, attr('inputname'), USERAGENT] },
  malicious_attack_tool: { category: 'malicious', level: 'CRITICAL', outcome: 'unknown', description: 'A known attack tool was detected.', params: [USERID, IP, attr('toolname'), USERAGENT] },
  malicious_cors: { category: 'malicious', level: 'CRITICAL', outcome: 'failure', description: 'An illegal cross-origin request was made.', params: [USERID, IP, USERAGENT, { name: 'referer', field: 'http.request.referrer', kind: 'string' }] },
  malicious_direct_reference: { category: 'malicious', level: 'CRITICAL', outcome: 'failure', description: 'A direct reference to an object the user may not access was attempted.', params: [USERID, IP, USERAGENT] },
  // Privilege changes [PRIVILEGE] (1)
  privilege_permissions_changed: { category: 'privilege', level: 'WARN', outcome: 'success', description: "An object's permissions changed.", params: [USERID, OBJECT, attr('fromlevel'), attr('tolevel')] },
  // Sensitive data [DATA] (4)
  sensitive_create: { category: 'data', level: 'WARN', outcome: 'success', description: 'Sensitive data was created.', params: [USERID, OBJECT] },
  sensitive_read: { category: 'data', level: 'WARN', outcome: 'success', description: 'Sensitive data was read.', params: [USERID, OBJECT] },
  sensitive_update: { category: 'data', level: 'WARN', outcome: 'success', description: 'Sensitive data was modified.', params: [USERID, OBJECT] },
  sensitive_delete: { category: 'data', level: 'WARN', outcome: 'success', description: 'Sensitive data was marked for deletion.', params: [USERID, OBJECT] },
  // Sequence errors [SEQUENCE] (1)
  sequence_fail: { category: 'sequence', level: 'CRITICAL', outcome: 'failure', description: 'A business-logic flow was bypassed or performed out of order.', params: [USERID] },
  // Session management [SESSION] (4)
  session_created: { category: 'session', level: 'INFO', outcome: 'success', description: 'A new authenticated session was created.', params: [USERID] },
  session_renewed: { category: 'session', level: 'INFO', outcome: 'success', description: 'A session was extended after an expiry warning.', params: [USERID] },
  session_expired: { category: 'session', level: 'INFO', outcome: 'success', description: 'A session expired (reason: logout, timeout, revoked).', params: [USERID, REASON] },
  session_use_after_expire: { category: 'session', level: 'CRITICAL', outcome: 'failure', description: 'An expired session was used.', params: [USERID] },
  // System events [SYS] (6)
  sys_startup: { category: 'sys', level: 'WARN', outcome: 'success', description: 'The system started.', params: [USERID] },
  sys_shutdown: { category: 'sys', level: 'WARN', outcome: 'success', description: 'The system shut down.', params: [USERID] },
  sys_restart: { category: 'sys', level: 'WARN', outcome: 'success', description: 'The system restarted.', params: [USERID] },
  sys_crash: { category: 'sys', level: 'WARN', outcome: 'failure', description: 'The system crashed.', params: [REASON] },
  sys_monitor_disabled: { category: 'sys', level: 'WARN', outcome: 'success', description: 'A security monitor was disabled.', params: [USERID, MONITOR] },
  sys_monitor_enabled: { category: 'sys', level: 'WARN', outcome: 'success', description: 'A security monitor was enabled.', params: [USERID, MONITOR] },
  // User management [USER] (4)
  user_created: { category: 'user', level: 'WARN', outcome: 'success', description: 'A user account was created.', params: [USERID, attr('newuserid'), ATTRS] },
  user_updated: { category: 'user', level: 'WARN', outcome: 'success', description: 'A user account was updated.', params: [USERID, ONUSERID, ATTRS] },
  user_archived: { category: 'user', level: 'WARN', outcome: 'success', description: 'A user account was archived.', params: [USERID, ONUSERID] },
  user_deleted: { category: 'user', level: 'WARN', outcome: 'success', description: 'A user account was deleted.', params: [USERID, ONUSERID] },
} as const satisfies Record<string, VocabularyEntry>;

/**
 * Literal union of the 49 vocabulary event names.
 *
 * @example
 * const n: VocabularyEventName = 'authn_token_reuse';
 */
export type VocabularyEventName = keyof typeof VOCABULARY;

type ParamsOf<N extends VocabularyEventName> = (typeof VOCABULARY)[N]['params'][number];
type KindValue<K extends ParamKind> = K extends 'number'
  ? number
  : K extends 'string[]'
    ? readonly string[]
    : string;

/**
 * The typed params object of a vocabulary event (all optional, as the cheat sheet says).
 *
 * @example
 * const p: VocabularyParams<'authn_login_successafterfail'> = { userid: 'joebob1', retries: 3 };
 */
export type VocabularyParams<N extends VocabularyEventName> = {
  [P in ParamsOf<N> as P['name']]?: KindValue<P['kind']>;
};

/**
 * Names of all vocabulary events, in table order.
 *
 * @example
 * VOCABULARY_EVENT_NAMES.length; // 49
 */
export const VOCABULARY_EVENT_NAMES = Object.keys(VOCABULARY) as readonly VocabularyEventName[];

const vocabularyNames: ReadonlySet<string> = new Set(VOCABULARY_EVENT_NAMES);

/**
 * True when `name` is one of the 49 OWASP vocabulary events.
 *
 * @example
 * isVocabularyEvent('authz_fail'); // true
 * isVocabularyEvent('http_request'); // false
 */
export function isVocabularyEvent(name: string): name is VocabularyEventName {
  return vocabularyNames.has(name);
}

/**
 * What the core knows about an event name (vocabulary or logwarden's own).
 *
 * @example
 * const info: EventInfo | undefined = lookupEvent('loss');
 */
export interface EventInfo {
  readonly name: string;
  readonly category: string;
  readonly level: Severity;
  readonly outcome: Outcome | undefined;
  readonly description: string;
  readonly params: readonly VocabularyParam[];
  /** True for the 49 OWASP events, false for logwarden's own (http_request, log, ...). */
  readonly vocabulary: boolean;
}

const infoByName = new Map<string, EventInfo>();
for (const name of VOCABULARY_EVENT_NAMES) {
  const e: VocabularyEntry = VOCABULARY[name];
  infoByName.set(name, { name, ...e, vocabulary: true });
}
for (const [name, e] of Object.entries(NON_VOCABULARY_EVENTS)) {
  infoByName.set(name, {
    name,
    category: e.category,
    level: e.level,
    outcome: undefined,
    description: `logwarden event: ${name}`,
    params: [],
    vocabulary: false,
  });
}

/**
 * Look up a vocabulary or non-vocabulary event name; undefined for custom names.
 *
 * @example
 * lookupEvent('authz_fail')?.level; // 'CRITICAL'
 * lookupEvent('http_request')?.vocabulary; // false
 */
export function lookupEvent(name: string): EventInfo | undefined {
  return infoByName.get(name);
}
