/**
 * logwarden/core: the event schema, the OWASP vocabulary, validation and normalization, redaction,
 * CWE-117 neutralization, ids, canonical JSON, mappings and the error catalog. Pure: no I/O.
 *
 * @example
 * import { prepareEvent, VOCABULARY, uuidv7 } from 'logwarden/core';
 * const r = prepareEvent({ 'event.name': 'authn_login_fail', 'user.id': 'joebob1' }, { source: 'app' });
 */
export type { EventField, LogSource, Outcome, SecurityEvent, Severity } from './event.js';
export { EVENT_FIELD_KIND, EVENT_FIELDS, NON_VOCABULARY_EVENTS, SEVERITY_NUMBER } from './event.js';
export type { ErrorCode, ErrorSpec } from './errors.js';
export { ERROR_CATALOG, LogwardenError, isLogwardenError } from './errors.js';
export type {
  EventInfo,
  ParamKind,
  VocabularyEntry,
  VocabularyEventName,
  VocabularyParam,
  VocabularyParams,
} from './vocabulary.js';
export {
  VOCABULARY,
  VOCABULARY_EVENT_NAMES,
  isVocabularyEvent,
  lookupEvent,
} from './vocabulary.js';
export type { UuidV7Generator } from './ids.js';
export { createUuidV7Generator, deterministicId, isUuid, uuidv7, uuidv7Time } from './ids.js';
export { canonicalJson, sortKeysDeep, sortedJson } from './serialize.js';
export type { FieldDoc } from './field-docs.js';
export { FIELD_DOCS } from './field-docs.js';
export type { Neutralized } from './neutralize.js';
export { isLogSafe, neutralize, neutralizeDeep } from './neutralize.js';
export type { RedactionPattern, Redactor, RedactorConfig } from './redact.js';
export { DEFAULT_REDACT_FIELDS, createRedactor } from './redact.js';
export { luhnValid } from './redact-patterns.js';
export type { Norm } from './normalize.js';
export {
  canonicalIp,
  normalizeAddress,
  normalizeMethod,
  normalizeTime,
  parseRfc3339,
  splitUrl,
} from './normalize.js';
export type { FieldError } from './validate.js';
export { EVENT_NAME_RE } from './validate.js';
export type { PrepareLimits, PrepareOptions, PrepareResult, PreparedEventCore } from './prepare.js';
export { DEFAULT_LIMITS, prepareEvent } from './prepare.js';
export type { OwaspLogRecord } from './mapping/owasp.js';
export { fromOwasp, toOwasp } from './mapping/owasp.js';
export { ECS_FIELD_MAP, ECS_VERSION, fromEcs, toEcs } from './mapping/ecs.js';
