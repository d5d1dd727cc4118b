export { evaluateLogLines, classRates } from './log-lines.js';
export type { LogLineCase, LogLinesResult, SourceOutcome, Rate } from './log-lines.js';
export { evaluateLogSequences, GENERIC_FORMATS, PARSED_SHARE } from './log-sequences.js';
export type { LogSequenceCase, SequenceOutcome } from './log-sequences.js';
export { logTargets, renderLogDetectionDoc, sequenceRates } from './render.js';
export type { LogTargets, SequenceRates } from './render.js';
export { runLines, REPORT_NOW } from './run-lines.js';
export type { FileRun, RunOptions } from './run-lines.js';
