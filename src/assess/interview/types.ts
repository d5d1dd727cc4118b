/** What `logwarden interview` records (the JSON report's `interview` object). */

export interface InterviewAnswer {
  /** Question id (questions.ts). */
  readonly id: string;
  readonly question: string;
  readonly answer: string;
  /** The intent the answer was read as (answer-rules.ts), or `unclear`. */
  readonly intent: string;
  /** One line saying how the answer was read. */
  readonly reading: string;
  /** Set when the answer could not be read: the follow-up to ask. */
  readonly followUp?: string;
}

export interface InterviewResult {
  readonly answers: readonly InterviewAnswer[];
  /** Questions with no answer at all. */
  readonly unanswered: readonly string[];
}
