/**
 * The review trail as a report for an assessor (PCI DSS v4.0 req. 10.4 evidence): every task,
 * its schedule and state, every sign-off with reviewer, period, notes and exceptions, and for
 * each sign-off whether its `review_signoff` event in the ledger still matches (same id, same
 * content) and whether a signed checkpoint covers it. Markdown, self-contained HTML (no script)
 * or JSON.
 */
import type { EventStore } from '../storage/types.js';
import { taskState, type ReviewStore, type Signoff } from './review-store.js';

export type ReportFormat = 'json' | 'md' | 'html';

export interface SignoffEvidence extends Signoff {
  readonly task: string;
  /** The stored review_signoff event still says what this row says. */
  readonly matchesLedger: boolean;
  /** A signed checkpoint covers the event (its seq is below the checkpoint's size). */
  readonly checkpointed: boolean;
  readonly leafHash: string | null;
}

export interface ReviewReport {
  readonly generatedMs: number;
  readonly tasks: readonly {
    name: string;
    scope: string;
    frequency: string;
    everySecs: number;
    lastSignoffMs: number | null;
    dueMs: number;
    overdue: boolean;
    signoffs: number;
  }[];
  readonly signoffs: readonly SignoffEvidence[];
  readonly checkpointSize: number | null;
}

/** The fields of a sign-off that its ledger event must carry (what `matchesLedger` compares). */
export function signoffAttributes(s: Omit<Signoff, 'id' | 'eventId' | 'eventSeq'>, task: string) {
  return {
    review_task: task,
    review_task_id: s.taskId,
    period_from: new Date(s.fromMs).toISOString(),
    period_to: new Date(s.toMs).toISOString(),
    notes: s.notes,
    exceptions: [...s.exceptions],
    seen: { ...s.seen },
  };
}

/** JSON with sorted keys: stored events are canonical (keys sorted), rows are not. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

function matches(
  store: EventStore,
  s: Signoff,
  task: string,
): { ok: boolean; leaf: string | null } {
  const e = store.getBySeq(s.eventSeq);
  if (!e || e.id !== s.eventId || e.body === null)
    return { ok: false, leaf: e?.leafHash.toString('hex') ?? null };
  try {
    const body = JSON.parse(e.body) as Record<string, unknown>;
    const want = signoffAttributes(s, task);
    const attrs = body.attributes as Record<string, unknown> | undefined;
    const ok =
      body['event.name'] === 'review_signoff' &&
      body['user.id'] === s.reviewer &&
      attrs !== undefined &&
      Object.entries(want).every(([k, v]) => stable(attrs[k]) === stable(v));
    return { ok, leaf: e.leafHash.toString('hex') };
  } catch {
    return { ok: false, leaf: e.leafHash.toString('hex') };
  }
}

export function buildReviewReport(
  reviews: ReviewStore,
  store: EventStore,
  o: { nowMs: number; graceMs: number; checkpointSize: number | null },
): ReviewReport {
  const tasks = reviews.list();
  const names = new Map(tasks.map((t) => [t.id, t.name]));
  const all = reviews.signoffs();
  return {
    generatedMs: o.nowMs,
    checkpointSize: o.checkpointSize,
    tasks: tasks.map((t) => {
      const st = taskState(t, o.nowMs, o.graceMs);
      return {
        name: t.name,
        scope: t.scopeKind === 'all' ? 'all' : `${t.scopeKind}=${t.scopeValue}`,
        frequency: t.frequency,
        everySecs: t.everySecs,
        lastSignoffMs: t.lastSignoffMs,
        dueMs: st.dueMs,
        overdue: st.overdue,
        signoffs: all.filter((s) => s.taskId === t.id).length,
      };
    }),
    signoffs: all.map((s) => {
      const task = names.get(s.taskId) ?? `#${s.taskId}`;
      const m = matches(store, s, task);
      return {
        ...s,
        task,
        matchesLedger: m.ok,
        checkpointed: o.checkpointSize !== null && s.eventSeq < o.checkpointSize,
        leafHash: m.leaf,
      };
    }),
  };
}

const iso = (ms: number | null) =>
  ms === null ? '—' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function renderReviewReport(r: ReviewReport, format: ReportFormat): string {
  if (format === 'json') return JSON.stringify(r, null, 2) + '\n';
  const verdict = (s: SignoffEvidence) =>
    `${s.matchesLedger ? 'matches ledger' : 'DOES NOT MATCH LEDGER'}${s.checkpointed ? ', checkpointed' : ', not yet checkpointed'}`;
  if (format === 'md') {
    const lines = [
      '# Log review report',
      '',
      `Generated ${iso(r.generatedMs)}. Every sign-off is also a \`review_signoff\` event in the tamper-evident ledger; the last column says whether it still matches.`,
      '',
      '## Review tasks',
      '',
      '| task | scope | frequency | last sign-off | due | state | sign-offs |',
      '|---|---|---|---|---|---|---|',
      ...r.tasks.map(
        (t) =>
          `| ${mdCell(t.name)} | ${mdCell(t.scope)} | ${t.frequency} | ${iso(t.lastSignoffMs)} | ${iso(t.dueMs)} | ${t.overdue ? '**OVERDUE**' : 'on time'} | ${t.signoffs} |`,
      ),
      '',
      '## Sign-offs',
      '',
      '| time | task | reviewer | period | seen | exceptions | notes | evidence |',
      '|---|---|---|---|---|---|---|---|',
      ...r.signoffs.map(
        (s) =>
          `| ${iso(s.timeMs)} | ${mdCell(s.task)} | ${mdCell(s.reviewer)} | ${iso(s.fromMs)} – ${iso(s.toMs)} | ${Object.entries(
            s.seen,
          )
            .map(([k, v]) => `${k} ${v}`)
            .join(
              ', ',
            )} | ${mdCell(s.exceptions.join('; ') || 'none')} | ${mdCell(s.notes)} | event ${s.eventSeq} (${verdict(s)}) |`,
      ),
      '',
    ];
    return lines.join('\n');
  }
  const row = (cells: string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log review report</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#1b2330}table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #ccd3dd;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#eef2f7}.bad{color:#b00020;font-weight:600}</style>
</head><body>
<h1>Log review report</h1>
<p>Generated ${esc(iso(r.generatedMs))}. Every sign-off is also a <code>review_signoff</code> event in the tamper-evident ledger.</p>
<h2>Review tasks</h2>
<table><tr><th>task</th><th>scope</th><th>frequency</th><th>last sign-off</th><th>due</th><th>state</th><th>sign-offs</th></tr>
${r.tasks.map((t) => row([esc(t.name), esc(t.scope), t.frequency, iso(t.lastSignoffMs), iso(t.dueMs), t.overdue ? '<span class="bad">OVERDUE</span>' : 'on time', String(t.signoffs)])).join('\n')}
</table>
<h2>Sign-offs</h2>
<table><tr><th>time</th><th>task</th><th>reviewer</th><th>period</th><th>exceptions</th><th>notes</th><th>evidence</th></tr>
${r.signoffs.map((s) => row([iso(s.timeMs), esc(s.task), esc(s.reviewer), `${iso(s.fromMs)} – ${iso(s.toMs)}`, esc(s.exceptions.join('; ') || 'none'), esc(s.notes), `${s.matchesLedger ? '' : '<span class="bad">'}event ${s.eventSeq}: ${esc(verdict(s))}${s.matchesLedger ? '' : '</span>'}`])).join('\n')}
</table>
</body></html>
`;
}
