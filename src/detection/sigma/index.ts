/**
 * Sigma for logwarden: load rules (YAML, rule collections, correlations), compile them once,
 * run them on events by logsource with field mappings, correlate on event time, and run the
 * test events rules carry.
 *
 * @example
 * import { createSigmaEngine, loadSigmaDirectory } from './detection/sigma/index.js';
 * const { rules, errors } = loadSigmaDirectory('rules/sigma');
 * const engine = createSigmaEngine({ rules });
 * const alerts = engine.process(event, Date.parse(event.time));
 */
export { buildSigmaRule, loadSigmaText } from './loader.js';
export type { LoadOptions } from './loader.js';
export { loadSigmaDirectory, loadSigmaFile } from './load-files.js';
export type { DirectoryLoad } from './load-files.js';
export { compileDetection } from './compile.js';
export type { CompileOptions, CompiledDetection } from './compile.js';
export { parseCondition, compileCondition } from './condition.js';
export type { ConditionNode } from './condition.js';
export { createEventView } from './event-view.js';
export type { FieldAccessor, SigmaEventView } from './event-view.js';
export { createSigmaEngine } from './engine.js';
export type { SigmaEngine, SigmaEngineOptions, SigmaEngineStats } from './engine.js';
export { createCorrelator, DEFAULT_CORRELATION_LIMITS } from './correlation.js';
export type { CorrelationLimits, Correlator, CorrelatorStats } from './correlation.js';
export { FIELD_MAPPINGS, KEYWORD_FIELDS, PROGRAM_FIELDS } from './field-mappings.js';
export type { FieldMapping, Taxonomy } from './field-mappings.js';
export { LOGSOURCE_TABLE, bindingsFor } from './logsource.js';
export type { LogsourceBinding, EventFilter, EventRecord } from './logsource.js';
export { compileSigmaRegex, linearEngineAvailable } from './regex.js';
export type { SafeRegex } from './regex.js';
export { runRuleTests } from './rule-tests.js';
export type { RuleTestResult, RuleTestOptions } from './rule-tests.js';
export type { Placeholders } from './modifiers.js';
export type * from './types.js';
