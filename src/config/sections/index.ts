/**
 * The literal registry of config sections. Later sections (sources, detection, alerting,
 * ledger, replicas, dashboard) are added here, one file each; docs/config.md and the JSON
 * Schema follow automatically.
 */
import { alertingSection } from './alerting.js';
import { dashboardSection } from './dashboard.js';
import { detectionSection } from './detection.js';
import { forwardersSection } from './forwarders.js';
import { ledgerSection } from './ledger.js';
import { redactionSection } from './redaction.js';
import { replicationSection } from './replication.js';
import { retentionSection } from './retention.js';
import { serverSection } from './server.js';
import { sourcesSection } from './sources.js';
import { storageSection } from './storage.js';

export const CONFIG_SECTIONS = {
  server: serverSection,
  storage: storageSection,
  retention: retentionSection,
  redaction: redactionSection,
  detection: detectionSection,
  sources: sourcesSection,
  dashboard: dashboardSection,
  alerting: alertingSection,
  ledger: ledgerSection,
  replication: replicationSection,
  forwarders: forwardersSection,
} as const;

export type ConfigSectionName = keyof typeof CONFIG_SECTIONS;
