/**
 * logwarden's package root: the Node SDK for applications, and the core types they need.
 *
 * @example
 * import { createSecurityLogger, setUser } from 'logwarden';
 * const security = createSecurityLogger({ endpoint: 'https://logs.example.com', token: process.env.LOGWARDEN_TOKEN!, service: 'shop' });
 * security.emit('authn_login_fail', { userid: 'joebob1' });
 */
export * from './sdk/index.js';
export type { SecurityEvent, Severity, Outcome, EventField } from './core/event.js';
export { SEVERITY_NUMBER } from './core/event.js';
export type { VocabularyEventName, VocabularyParams } from './core/vocabulary.js';
export { VOCABULARY, VOCABULARY_EVENT_NAMES } from './core/vocabulary.js';
export type { ErrorCode } from './core/errors.js';
export { LogwardenError, isLogwardenError } from './core/errors.js';
