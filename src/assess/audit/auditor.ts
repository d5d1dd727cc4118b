/**
 * The audit accumulator: feed it the lines of one or more log files (the CLI does the I/O), get
 * the measurements an assessor needs. Memory is bounded: counters per field and kind, per-day
 * totals, a bounded duplicate set and at most MAX_SAMPLES evidence lines per kind.
 *
 * @example
 * const auditor = createAuditor();
 * await auditor.addFile('access.log', lines);
 * const result = auditor.finish(); // measurements, findings, score and grade
 */
import type { Alert } from '../../detection/alerts/alert.js';
import { createDetectionEngine, loadRules } from '../../detection/engine/index.js';
import { createLineParser, readFormatSample, type ParseContext } from '../../parsers/index.js';
import type { Evidence } from '../report/finding.js';
import { scanControl, visibleExcerpt, type ControlKind } from './control-chars.js';
import {
  COVERAGE_FIELDS,
  DIMENSIONS,
  HIGH_VALUE_KINDS,
  lineFacts,
  type CoverageField,
  type Dimension,
  type HighValueKind,
} from './line-facts.js';
import { scanSensitive, type SensitiveKind } from './sensitive.js';
import { buildAuditFindings } from './audit-findings.js';
import type { AuditFileStats, AuditResult, DayVolume, AlertSummary } from './types.js';

export type { AuditResult } from './types.js';

export interface AuditOptions {
  /** Price per GB ingested and stored, for the cost estimate. Default 0.50 (USD). */
  readonly pricePerGb?: number;
  /** Retention in days for the stored-volume estimate. Default 365 (PCI DSS 10.5.1). */
  readonly retentionDays?: number;
  /** Input format (registry name or alias), default auto. */
  readonly logFormat?: string;
  /** Run the detection engine (OWASP pack + attack patterns). Default true. */
  readonly detection?: boolean;
  readonly year?: number;
  readonly timezone?: string;
}

export interface Auditor {
  addFile(
    name: string,
    lines: AsyncIterable<string>,
    onProgress?: (lines: number) => void,
  ): Promise<void>;
  finish(): AuditResult;
}

const MAX_SAMPLES = 12;
// Distinct lines remembered for the duplicate ratio, as 53-bit hashes (a Set of numbers: about
// 40 bytes each instead of the line; bench/audit.mjs). Past the bound, new lines are not added.
const MAX_DUP_KEYS = 1_000_000;

/** FNV-1a over UTF-16 code units, two 32-bit lanes folded to 53 bits (collisions ~1e-5 at 1M). */
function hash53(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}
// Timestamps in the forms our parsers read, removed before comparing lines for duplication.
const TIMESTAMP =
  /\[?\d{1,4}[-/][A-Za-z0-9]{2,3}[-/]\d{2,4}[ T:]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|\s?[+-]\d{2}:?\d{2})?\]?|^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}/g;

export function createAuditor(o: AuditOptions = {}): Auditor {
  const engine =
    o.detection === false
      ? undefined
      : createDetectionEngine({ rules: loadRules({ builtin: true, dirs: [] }).rules });
  const alerts = new Map<string, Alert>();
  const files: AuditFileStats[] = [];
  const coverage = Object.fromEntries(Object.keys(COVERAGE_FIELDS).map((k) => [k, 0])) as Record<
    CoverageField,
    number
  >;
  const dimensions = Object.fromEntries(DIMENSIONS.map((d) => [d, 0])) as Record<Dimension, number>;
  const kinds = Object.fromEntries(Object.keys(HIGH_VALUE_KINDS).map((k) => [k, 0])) as Record<
    HighValueKind,
    number
  >;
  const eventNames = new Map<string, number>();
  const sensitive = new Map<SensitiveKind, { count: number; samples: Evidence[] }>();
  const control = new Map<ControlKind, { count: number; samples: Evidence[] }>();
  const days = new Map<string, DayVolume>();
  const dupKeys = new Set<number>();
  let lines = 0;
  let bytes = 0;
  let duplicates = 0;
  let securityLines = 0;

  const note = <K>(m: Map<K, { count: number; samples: Evidence[] }>, k: K, e: Evidence) => {
    const cur = m.get(k) ?? { count: 0, samples: [] };
    cur.count++;
    if (cur.samples.length < MAX_SAMPLES) cur.samples.push(e);
    m.set(k, cur);
  };

  async function addFile(
    name: string,
    input: AsyncIterable<string>,
    onProgress?: (lines: number) => void,
  ): Promise<void> {
    const it = input[Symbol.asyncIterator]();
    const sample = await readFormatSample(it);
    const parser = createLineParser(o.logFormat ?? 'auto', { sample });
    const ctx: ParseContext = {
      now: Date.now(),
      source: `file:${name}`,
      ...(o.year ? { year: o.year } : {}),
      ...(o.timezone ? { timezone: o.timezone } : {}),
    };
    const stats: AuditFileStats = {
      name,
      format: parser.format,
      confidence: parser.detection?.confidence ?? 1,
      lines: 0,
      bytes: 0,
      unparsed: 0,
    };
    files.push(stats);
    let n = 0;
    const handle = (raw: string): void => {
      n++;
      if (raw.trim() === '') return;
      const size = Buffer.byteLength(raw) + 1;
      stats.lines++;
      stats.bytes += size;
      lines++;
      bytes += size;
      const ev = parser.parse(raw, ctx);
      if (ev['log.format'] === 'unparsed') stats.unparsed++;
      const facts = lineFacts(ev);
      for (const f of facts.fields) coverage[f]++;
      const dims = new Set<Dimension>();
      for (const f of facts.fields) dims.add(COVERAGE_FIELDS[f]);
      for (const d of dims) dimensions[d]++;
      for (const k of facts.kinds) kinds[k]++;
      const evName = ev['log.format'] === 'unparsed' ? '(unparsed)' : ev['event.name'];
      eventNames.set(evName, (eventNames.get(evName) ?? 0) + 1);
      if (facts.security) securityLines++;
      const day = typeof ev.time === 'string' ? ev.time.slice(0, 10) : 'unknown';
      const dv = days.get(day) ?? { day, lines: 0, bytes: 0, securityLines: 0, securityBytes: 0 };
      dv.lines++;
      dv.bytes += size;
      if (facts.security) {
        dv.securityLines++;
        dv.securityBytes += size;
      }
      days.set(day, dv);
      const key = hash53(raw.replace(TIMESTAMP, ''));
      if (dupKeys.has(key)) duplicates++;
      else if (dupKeys.size < MAX_DUP_KEYS) dupKeys.add(key);

      const hit = scanSensitive(raw);
      if (hit)
        for (const k of hit.kinds) note(sensitive, k, { file: name, line: n, text: hit.masked });
      const ctl = scanControl(raw, ev);
      for (const k of ctl)
        note(control, k, { file: name, line: n, text: hit?.masked ?? visibleExcerpt(raw) });

      if (engine) {
        const id = `${files.length - 1}:${n}`;
        const detEv = { ...ev, id } as Record<string, unknown>;
        const found = engine.process(detEv, { source: `file:${name}` });
        for (const a of found) alerts.set(a.id, a);
      }
      if ((n & 0xfff) === 0) onProgress?.(n);
    };
    for (const l of sample) handle(l);
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      handle(r.value);
    }
    onProgress?.(n);
  }

  // Event ids handed to the engine are `fileIndex:line`, so alert events point back to file:line.
  function alertEvidence(e: Alert['events'][number]): Evidence {
    const m = /^(\d+):(\d+)$/.exec(e.id ?? '');
    const raw = typeof e.fields['log.original'] === 'string' ? e.fields['log.original'] : '';
    const text = scanSensitive(raw)?.masked ?? visibleExcerpt(raw);
    if (!m) return { text };
    return { file: files[Number(m[1])]?.name ?? '?', line: Number(m[2]), text };
  }

  function finish(): AuditResult {
    if (engine) for (const a of engine.finish()) alerts.set(a.id, a);
    const alertList: AlertSummary[] = [...alerts.values()]
      .filter((a) => a.kind !== 'silence' && a.kind !== 'anomaly')
      .map((a) => ({
        rule: a.rule.name ?? a.rule.title,
        title: a.rule.title,
        severity: a.severity,
        entity: a.entity.type === 'none' ? '' : `${a.entity.type}:${a.entity.value}`,
        count: a.count,
        summary: a.summary,
        tags: [...a.tags],
        firstSeen: new Date(a.firstSeenMs).toISOString(),
        evidence: a.events.slice(0, 3).map(alertEvidence),
      }));
    const dayList = [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
    const known = dayList.filter((d) => d.day !== 'unknown');
    const nDays = Math.max(1, known.length);
    const bytesPerDay = bytes / nDays;
    const securityBytes = dayList.reduce((s, d) => s + d.securityBytes, 0);
    const securityBytesPerDay = securityBytes / nDays;
    const price = o.pricePerGb ?? 0.5;
    const retention = o.retentionDays ?? 365;
    const monthly = (b: number): number => (b * 30) / 1e9;
    const partial = {
      files,
      lines,
      bytes,
      coverage,
      dimensions,
      kinds,
      eventNames: Object.fromEntries([...eventNames].sort((a, b) => b[1] - a[1]).slice(0, 20)),
      sensitive: [...sensitive].map(([kind, v]) => ({ kind, ...v })),
      control: [...control].map(([kind, v]) => ({ kind, ...v })),
      volume: {
        days: dayList,
        bytesPerDay,
        securityBytesPerDay,
        duplicates,
        duplicateRatio: lines ? duplicates / lines : 0,
        securityLines,
        noiseRatio: lines ? 1 - securityLines / lines : 0,
        cost: {
          pricePerGb: price,
          retentionDays: retention,
          allGbPerMonth: monthly(bytesPerDay),
          securityGbPerMonth: monthly(securityBytesPerDay),
          allPerMonth: monthly(bytesPerDay) * price,
          securityPerMonth: monthly(securityBytesPerDay) * price,
          allStoredGb: (bytesPerDay * retention) / 1e9,
          securityStoredGb: (securityBytesPerDay * retention) / 1e9,
        },
      },
      alerts: alertList,
    };
    return { ...partial, findings: buildAuditFindings(partial) };
  }

  return { addFile, finish };
}
