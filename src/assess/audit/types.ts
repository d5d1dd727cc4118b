/** The measurements `logwarden audit` produces (also the JSON output's `audit` object). */
import type { Evidence, Finding } from '../report/finding.js';
import type { ControlKind } from './control-chars.js';
import type { CoverageField, Dimension, HighValueKind } from './line-facts.js';
import type { SensitiveKind } from './sensitive.js';

export interface AuditFileStats {
  name: string;
  /** Detected (or given) format; `unparsed` when none fits. */
  format: string;
  /** Share of the sample lines the format parsed. */
  confidence: number;
  lines: number;
  bytes: number;
  unparsed: number;
}

export interface DayVolume {
  day: string;
  lines: number;
  bytes: number;
  securityLines: number;
  securityBytes: number;
}

export interface AlertSummary {
  rule: string;
  title: string;
  severity: string;
  entity: string;
  count: number;
  summary: string;
  tags: string[];
  firstSeen: string;
  evidence: Evidence[];
}

export interface AuditCost {
  pricePerGb: number;
  retentionDays: number;
  allGbPerMonth: number;
  securityGbPerMonth: number;
  allPerMonth: number;
  securityPerMonth: number;
  allStoredGb: number;
  securityStoredGb: number;
}

export interface AuditMeasurements {
  files: AuditFileStats[];
  /** Non-blank lines. */
  lines: number;
  bytes: number;
  /** Lines carrying each field. */
  coverage: Record<CoverageField, number>;
  /** Lines answering each question (any of its fields). */
  dimensions: Record<Dimension, number>;
  /** Lines of each high-value kind. */
  kinds: Record<HighValueKind, number>;
  /** The most frequent event names (top 20). */
  eventNames: Record<string, number>;
  sensitive: { kind: SensitiveKind; count: number; samples: Evidence[] }[];
  control: { kind: ControlKind; count: number; samples: Evidence[] }[];
  volume: {
    days: DayVolume[];
    bytesPerDay: number;
    securityBytesPerDay: number;
    duplicates: number;
    duplicateRatio: number;
    securityLines: number;
    noiseRatio: number;
    cost: AuditCost;
  };
  alerts: AlertSummary[];
}

export interface AuditResult extends AuditMeasurements {
  findings: Finding[];
}
