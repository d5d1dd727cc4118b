/**
 * The interview: ask (or read) each question, interpret the answer, and turn the answers into
 * findings in the same shape and mapping as `audit`. An unclear answer gets its follow-up asked
 * once; if that is still unclear, the report says which follow-up to ask rather than guessing.
 *
 * @example
 * const result = interviewFromAnswers({ storage_location: 'On the web server' });
 * interviewFindings(result); // [INT-LOCAL-STORAGE ...]
 */
import { parse as parseYaml } from 'yaml';
import { LogwardenError } from '../../core/errors.js';
import type { FindingId } from '../report/finding-defs.js';
import {
  FINDING_SEVERITY_RANK,
  makeFinding,
  type Evidence,
  type Finding,
  type FindingSeverity,
} from '../report/finding.js';
import { interpretAnswer } from './interpret.js';
import { QUESTIONS, QUESTION_IDS, type Question } from './questions.js';
import type { InterviewAnswer, InterviewResult } from './types.js';

/** Ask one question (or its follow-up); undefined when the input has ended. */
export type AskFn = (
  question: Question,
  followUp: string | undefined,
) => Promise<string | undefined>;

function record(q: Question, answer: string): InterviewAnswer {
  const rule = interpretAnswer(q, answer);
  if (rule === undefined)
    return {
      id: q.id,
      question: q.text,
      answer,
      intent: 'unclear',
      reading: 'unclear',
      followUp: q.followUp,
    };
  return { id: q.id, question: q.text, answer, intent: rule.intent, reading: rule.reading };
}

/** Run the questionnaire through `ask` (terminal or piped input). */
export async function runInterview(
  ask: AskFn,
  questions: readonly Question[] = QUESTIONS,
): Promise<InterviewResult> {
  const answers: InterviewAnswer[] = [];
  const unanswered: string[] = [];
  let ended = false;
  for (const q of questions) {
    const a = ended ? undefined : await ask(q, undefined);
    if (a === undefined) ended = true;
    if (a === undefined || a.trim() === '') {
      unanswered.push(q.id);
      continue;
    }
    let r = record(q, a.trim());
    if (r.followUp !== undefined && !ended) {
      const more = await ask(q, q.followUp);
      if (more === undefined) ended = true;
      else if (more.trim() !== '') r = record(q, `${a.trim()}; ${more.trim()}`);
    }
    answers.push(r);
  }
  return { answers, unanswered };
}

/** Interpret answers given up front (an answers file). */
export function interviewFromAnswers(given: Readonly<Record<string, string>>): InterviewResult {
  const answers: InterviewAnswer[] = [];
  const unanswered: string[] = [];
  for (const q of QUESTIONS) {
    const a = given[q.id];
    if (a === undefined || a.trim() === '') unanswered.push(q.id);
    else answers.push(record(q, a.trim()));
  }
  return { answers, unanswered };
}

/** Findings from interpreted answers; answers implying the same finding are merged. */
export function interviewFindings(r: InterviewResult): Finding[] {
  const byId = new Map<
    FindingId,
    { severity: FindingSeverity; evidence: Evidence[]; readings: string[] }
  >();
  const add = (
    id: FindingId,
    severity: FindingSeverity | undefined,
    a: InterviewAnswer,
    reading: string,
  ) => {
    const cur = byId.get(id) ?? { severity: severity ?? 'info', evidence: [], readings: [] };
    if (
      severity !== undefined &&
      FINDING_SEVERITY_RANK[severity] > FINDING_SEVERITY_RANK[cur.severity]
    )
      cur.severity = severity;
    cur.evidence.push({ text: `Q: ${a.question} A: "${a.answer}"` });
    cur.readings.push(reading);
    byId.set(id, cur);
  };
  for (const a of r.answers) {
    const q = QUESTIONS.find((x) => x.id === a.id);
    if (q === undefined) continue;
    if (a.followUp !== undefined) {
      add('INT-UNCLEAR', 'info', a, `"${a.answer}" to "${q.text}" is unclear; ask: ${a.followUp}`);
      continue;
    }
    const rule = q.rules.find((x) => x.intent === a.intent);
    for (const id of rule?.findings ?? [])
      add(
        id,
        rule?.severity ?? makeFinding(id, 'interview', { summary: '' }).severity,
        a,
        `${a.reading}`,
      );
  }
  const out = [...byId].map(([id, v]) =>
    makeFinding(id, 'interview', {
      summary: [...new Set(v.readings)].join('; '),
      evidence: v.evidence,
      severity: v.severity,
    }),
  );
  if (r.unanswered.length > 0)
    out.push(
      makeFinding('INT-UNANSWERED', 'interview', {
        summary: `${r.unanswered.length} of ${QUESTIONS.length} questions not answered: ${r.unanswered.join(', ')}`,
        evidence: r.unanswered.map((id) => ({
          text: `${id}: ${QUESTIONS.find((q) => q.id === id)?.text ?? ''}`,
        })),
        severity: r.unanswered.length >= QUESTIONS.length / 2 ? 'high' : 'medium',
      }),
    );
  return out;
}

/**
 * Read an answers file (YAML): `version: 1` and `answers:` mapping question ids to text.
 * Unknown keys and ids are errors naming the file and the key.
 */
export function parseAnswersFile(text: string, file: string): Record<string, string> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${file}: not valid YAML (${(e as Error).message})`,
      { cause: e },
    );
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${file}: expected a mapping with version: 1 and answers:`,
    );
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d))
    if (!['version', 'organization', 'assessor', 'date', 'answers'].includes(k))
      throw new LogwardenError(
        'LW_CONFIG_INVALID',
        `${file}: unknown key "${k}" (expected version, organization, assessor, date, answers)`,
      );
  if (d.version !== 1)
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${file}: version: expected 1, got ${JSON.stringify(d.version)}`,
    );
  const answers = d.answers;
  if (answers === null || typeof answers !== 'object' || Array.isArray(answers))
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${file}: answers: expected a mapping of question id to answer`,
    );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(answers as Record<string, unknown>)) {
    if (!QUESTION_IDS.includes(k))
      throw new LogwardenError(
        'LW_CONFIG_INVALID',
        `${file}: answers.${k}: unknown question id (known: ${QUESTION_IDS.join(', ')})`,
      );
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new LogwardenError(
        'LW_CONFIG_INVALID',
        `${file}: answers.${k}: expected text, got ${Array.isArray(v) ? 'a list' : typeof v}`,
      );
    out[k] = String(v);
  }
  return out;
}
