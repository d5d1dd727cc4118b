export { createAuditor } from './auditor.js';
export type { AuditOptions, Auditor } from './auditor.js';
export type { AuditResult, AuditMeasurements, AuditFileStats, AlertSummary } from './types.js';
export { scanSensitive, SENSITIVE_LABELS } from './sensitive.js';
export type { SensitiveKind, SensitiveHit } from './sensitive.js';
export { scanControl } from './control-chars.js';
export { lineFacts, COVERAGE_FIELDS, HIGH_VALUE_KINDS } from './line-facts.js';
