/**
 * The detection report (issue 5, "What it must show"): a pure function from labelled case records
 * (with the findings our detectors produced) to detection and false-positive rates per class, per
 * data set, per payload location and per CRS paranoia band, and a Markdown rendering.
 * I/O (reading the corpus, running the detectors, writing docs/) is the caller's job.
 */
import type { AttackClass, Finding } from './types.js';

export type CaseSet = 'http_requests' | 'payloads';
/** `url_headers`: request line or headers; `body`: the request has a body; `query_param`: a payload we placed in `?q=`. */
export type CaseLocation = 'url_headers' | 'body' | 'query_param';
export type ParanoiaBand = 'PL1-2' | 'PL3-4';

export interface CaseRecord {
  readonly id: string;
  readonly set: CaseSet;
  readonly label: 'attack' | 'benign';
  /** The corpus class (attack cases), null for benign ones. */
  readonly class: string | null;
  readonly location: CaseLocation;
  /** CRS paranoia level band; cases without one (UA lists, payload lists) count as PL1-2. */
  readonly band: ParanoiaBand;
  readonly findings: readonly Finding[];
}

/** Corpus classes and the finding classes that count as detecting them. */
export const CLASS_FAMILY: Readonly<Record<string, readonly AttackClass[]>> = {
  sqli: ['sqli'],
  xss: ['xss'],
  path_traversal: ['path_traversal', 'rfi'],
  rfi: ['rfi', 'path_traversal', 'ssrf'],
  command_injection: ['command_injection'],
  log4shell: ['log4shell'],
  ssrf: ['ssrf', 'rfi'],
  scanner: ['scanner'],
  php_injection: ['php_injection', 'code_injection'],
  code_injection: ['code_injection', 'php_injection', 'command_injection'],
};

/** Classes with a target: ≥ 90 % detection where the payload is in the URL, query or headers. */
export const TARGET_CLASSES: readonly string[] = [
  'sqli',
  'xss',
  'path_traversal',
  'command_injection',
  'log4shell',
  'scanner',
];
export const TARGET_DETECTION = 0.9;
export const TARGET_FP = 0.01;

export interface Cell {
  readonly cases: number;
  /** Detected with a finding of the class family. */
  readonly detected: number;
  /** Detected with a finding of any class. */
  readonly anyFinding: number;
}

export interface GroupMetrics {
  readonly set: CaseSet;
  readonly location: CaseLocation;
  readonly band: ParanoiaBand;
  readonly byClass: ReadonlyMap<string, Cell>;
  readonly benign: { readonly cases: number; readonly falsePositives: number };
}

export interface TargetCheck {
  readonly what: string;
  readonly rate: number;
  readonly cases: number;
  readonly target: string;
  readonly met: boolean;
}

export interface ReportMetrics {
  readonly groups: readonly GroupMetrics[];
  readonly targets: readonly TargetCheck[];
  /** Benign cases with findings, for the "why" section (id and first finding). */
  readonly falsePositiveExamples: ReadonlyArray<{ id: string; set: CaseSet; finding: Finding }>;
}

function detects(c: CaseRecord): boolean {
  const family = CLASS_FAMILY[c.class ?? ''];
  if (!family) return c.findings.length > 0;
  return c.findings.some((f) => family.includes(f.class));
}

const GROUP_ORDER: ReadonlyArray<[CaseSet, CaseLocation]> = [
  ['http_requests', 'url_headers'],
  ['http_requests', 'body'],
  ['payloads', 'query_param'],
];

/** Compute the metrics. Pure: the same records give the same report. */
export function computeReport(records: Iterable<CaseRecord>): ReportMetrics {
  const acc = new Map<
    string,
    {
      byClass: Map<string, { cases: number; detected: number; anyFinding: number }>;
      benign: { cases: number; falsePositives: number };
    }
  >();
  const fpExamples: Array<{ id: string; set: CaseSet; finding: Finding }> = [];
  const key = (s: CaseSet, l: CaseLocation, b: ParanoiaBand): string => `${s}|${l}|${b}`;
  const get = (k: string) => {
    let g = acc.get(k);
    if (!g) acc.set(k, (g = { byClass: new Map(), benign: { cases: 0, falsePositives: 0 } }));
    return g;
  };
  for (const r of records) {
    const g = get(key(r.set, r.location, r.band));
    if (r.label === 'benign') {
      g.benign.cases++;
      if (r.findings.length > 0) {
        g.benign.falsePositives++;
        if (fpExamples.length < 200)
          fpExamples.push({ id: r.id, set: r.set, finding: r.findings[0] as Finding });
      }
      continue;
    }
    const cls = r.class ?? 'unknown';
    let cell = g.byClass.get(cls);
    if (!cell) g.byClass.set(cls, (cell = { cases: 0, detected: 0, anyFinding: 0 }));
    cell.cases++;
    if (detects(r)) cell.detected++;
    if (r.findings.length > 0) cell.anyFinding++;
  }
  const groups: GroupMetrics[] = [];
  for (const [set, location] of GROUP_ORDER) {
    for (const band of ['PL1-2', 'PL3-4'] as const) {
      const g = acc.get(key(set, location, band));
      if (g)
        groups.push({
          set,
          location,
          band,
          byClass: new Map([...g.byClass].sort(([a], [b]) => a.localeCompare(b))),
          benign: g.benign,
        });
    }
  }
  const targets: TargetCheck[] = [];
  for (const set of ['http_requests', 'payloads'] as const) {
    const location: CaseLocation = set === 'payloads' ? 'query_param' : 'url_headers';
    const g = groups.find((x) => x.set === set && x.location === location && x.band === 'PL1-2');
    if (!g) continue;
    for (const cls of TARGET_CLASSES) {
      const cell = g.byClass.get(cls);
      if (!cell || cell.cases === 0) continue;
      const rate = cell.detected / cell.cases;
      targets.push({
        what: `${set} ${location} PL1-2 ${cls} detection`,
        rate,
        cases: cell.cases,
        target: '>= 90%',
        met: rate >= TARGET_DETECTION,
      });
    }
  }
  for (const set of ['http_requests', 'payloads'] as const) {
    let cases = 0;
    let fp = 0;
    // The FP target has the same scope as the detection target: benign values in the URL, query
    // or headers (all paranoia bands). Bodies are reported below as information, not as a target.
    const scoped = set === 'payloads' ? 'query_param' : 'url_headers';
    for (const g of groups) {
      if (g.set !== set || g.location !== scoped) continue;
      cases += g.benign.cases;
      fp += g.benign.falsePositives;
    }
    if (cases > 0)
      targets.push({
        what: `${set} ${scoped} benign false positives (all bands)`,
        rate: fp / cases,
        cases,
        target: '<= 1%',
        met: fp / cases <= TARGET_FP,
      });
  }
  const body = groups.filter((g) => g.location === 'body');
  const bodyCases = body.reduce((n, g) => n + g.benign.cases, 0);
  const bodyFp = body.reduce((n, g) => n + g.benign.falsePositives, 0);
  if (bodyCases > 0)
    targets.push({
      what: 'http_requests body benign false positives (information, no target)',
      rate: bodyFp / bodyCases,
      cases: bodyCases,
      target: '–',
      met: true,
    });
  return { groups, targets, falsePositiveExamples: fpExamples };
}

function pct(n: number, d: number): string {
  return d === 0 ? '–' : `${((100 * n) / d).toFixed(1)}%`;
}

/** Render the metrics as Markdown tables (one per data set / location / band, then the targets). */
export function renderReport(m: ReportMetrics): string {
  const lines: string[] = [];
  for (const g of m.groups) {
    lines.push(
      `### ${g.set} — payload in ${g.location === 'url_headers' ? 'URL / query / headers' : g.location === 'body' ? 'body' : 'a query parameter'} — ${g.band}`,
      '',
    );
    lines.push(
      '| class | cases | detected (class) | rate | detected (any finding) | rate |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const [cls, c] of g.byClass) {
      const t =
        TARGET_CLASSES.includes(cls) && g.band === 'PL1-2' && g.location !== 'body'
          ? ' (target)'
          : '';
      lines.push(
        `| ${cls}${t} | ${c.cases} | ${c.detected} | ${pct(c.detected, c.cases)} | ${c.anyFinding} | ${pct(c.anyFinding, c.cases)} |`,
      );
    }
    lines.push(
      `| **benign** (false positives) | ${g.benign.cases} | ${g.benign.falsePositives} | ${pct(g.benign.falsePositives, g.benign.cases)} | | |`,
      '',
    );
  }
  lines.push(
    '### Targets',
    '',
    '| measure | cases | value | target | met |',
    '|---|---:|---:|---|---|',
  );
  for (const t of m.targets)
    lines.push(
      `| ${t.what} | ${t.cases} | ${(100 * t.rate).toFixed(1)}% | ${t.target} | ${t.target === '–' ? 'n/a' : t.met ? 'yes' : '**no**'} |`,
    );
  lines.push('');
  return lines.join('\n');
}
