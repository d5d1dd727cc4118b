export { QUESTIONS, QUESTION_IDS } from './questions.js';
export type { Question, AnswerRule } from './questions.js';
export { interpretAnswer, durationDays } from './interpret.js';
export {
  runInterview,
  interviewFromAnswers,
  interviewFindings,
  parseAnswersFile,
} from './interview.js';
export type { AskFn } from './interview.js';
export type { InterviewResult, InterviewAnswer } from './types.js';
