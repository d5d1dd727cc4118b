export { createDetectionEngine } from './engine.js';
export type {
  DetectionEngine,
  DetectionEngineOptions,
  DetectionStats,
  EventContext,
} from './engine.js';
export { loadRules, BUILTIN_RULES_DIR, compileRuleSources, ruleSources } from './load-rules.js';
export type { RuleSet, RuleSources } from './load-rules.js';
export { DEFAULT_SILENCE, formatDuration } from './silence.js';
export type { SilenceOptions } from './silence.js';
export { DEFAULT_ANOMALY } from './anomaly.js';
export type { AnomalyOptions } from './anomaly.js';
export { ATTACK_CLASS_TITLES } from './pattern-alerts.js';
