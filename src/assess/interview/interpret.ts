/**
 * Reading one answer with its question's rules (questions.ts): first matching rule wins; no
 * match is `unclear` (the caller asks the follow-up rather than guessing).
 */
import type { AnswerRule, Question } from './questions.js';

const UNITS: Readonly<Record<string, number>> = { day: 1, week: 7, month: 30.44, year: 365.25 };
const WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  eighteen: 18,
  twenty: 20,
  thirty: 30,
  ninety: 90,
};
const DURATION =
  /\b(\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|thirty|ninety)\s*(day|week|month|year)s?\b/gi;

/**
 * The longest duration named in an answer, in days (undefined when none).
 *
 * @example
 * durationDays('about six months, then rotated'); // 182.64
 */
export function durationDays(answer: string): number | undefined {
  let best: number | undefined;
  for (const m of answer.matchAll(DURATION)) {
    const raw = m[1]!.toLowerCase();
    const n = WORDS[raw] ?? Number(raw);
    const days = n * UNITS[m[2]!.toLowerCase()]!;
    if (best === undefined || days > best) best = days;
  }
  if (best === undefined) {
    if (/\b(?:daily|every day)\b/i.test(answer)) return 1;
    if (/\bweekly\b/i.test(answer)) return 7;
    if (/\bmonthly\b/i.test(answer)) return 30.44;
    if (/\b(?:yearly|annually)\b/i.test(answer)) return 365.25;
  }
  return best;
}

function matches(rule: AnswerRule, answer: string): boolean {
  if (rule.unless?.some((r) => r.test(answer))) return false;
  if (rule.days !== undefined) {
    const d = durationDays(answer);
    if (d === undefined || d < rule.days[0] || d >= rule.days[1]) return false;
    return rule.match === undefined || rule.match.some((r) => r.test(answer));
  }
  return rule.match?.some((r) => r.test(answer)) ?? false;
}

/** The rule an answer matches, or undefined when it is unclear (or empty). */
export function interpretAnswer(q: Question, answer: string): AnswerRule | undefined {
  const a = answer.trim();
  if (a === '') return undefined;
  return q.rules.find((r) => matches(r, a));
}
