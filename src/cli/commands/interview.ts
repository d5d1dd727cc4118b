/**
 * `logwarden interview`: the assessor's questionnaire, asked in the terminal (or read from piped
 * input, one answer a line) or from a YAML answers file, turned into findings mapped like
 * `audit`'s.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import {
  QUESTIONS,
  interviewFindings,
  interviewFromAnswers,
  parseAnswersFile,
  runInterview,
  type InterviewResult,
} from '../../assess/interview/index.js';
import {
  buildReport,
  parseReportFormat,
  type AssessmentReport,
} from '../../assess/report/index.js';
import { LogwardenError } from '../../core/errors.js';
import type { CliIO } from '../io.js';
import { withReportOptions, writeReport, type ReportOutputOptions } from './audit.js';

interface InterviewCliOptions extends ReportOutputOptions {
  answers?: string;
  list?: boolean;
  title?: string;
}

async function askInTerminal(io: CliIO): Promise<InterviewResult> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  // Read lines through the iterator: with piped input, lines arriving before a question is
  // printed are buffered, not lost (rl.question would drop them).
  const it = rl[Symbol.asyncIterator]();
  const tty = process.stdin.isTTY === true;
  if (tty)
    io.err(
      `logwarden interview: ${QUESTIONS.length} questions about your security logging. Answer in your own words; an empty line skips.\n\n`,
    );
  let n = 0;
  try {
    return await runInterview(async (q, followUp) => {
      if (followUp === undefined) n++;
      io.err(
        followUp === undefined
          ? `${n}/${QUESTIONS.length} ${q.text}\n> `
          : `  (could you say more?) ${followUp}\n> `,
      );
      const r = await it.next();
      if (!tty) io.err(r.done ? '\n' : `${r.value}\n`);
      return r.done ? undefined : r.value;
    });
  } finally {
    rl.close();
  }
}

/** Interview (from a file or the terminal) into a report. */
export async function interviewToReport(
  o: InterviewCliOptions,
  io: CliIO,
): Promise<AssessmentReport> {
  let result: InterviewResult;
  if (o.answers !== undefined) {
    let text: string;
    try {
      text = readFileSync(o.answers, 'utf8');
    } catch (e) {
      throw new LogwardenError(
        'LW_INPUT_NOT_FOUND',
        `--answers ${o.answers}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        { cause: e },
      );
    }
    result = interviewFromAnswers(parseAnswersFile(text, o.answers));
  } else {
    result = await askInTerminal(io);
  }
  if (result.answers.length === 0)
    throw new LogwardenError(
      'LW_USAGE',
      'interview: no answers given (answer in the terminal, pipe answers one a line, or use --answers FILE)',
    );
  return buildReport({
    kind: 'interview',
    title: o.title ?? 'Security logging interview',
    findings: interviewFindings(result),
    interview: result,
  });
}

export function registerInterview(program: Command, io: CliIO): void {
  const cmd = program
    .command('interview')
    .description(
      "Ask the assessor's questions about security logging (or read answers from YAML) and turn the answers into findings.",
    );
  withReportOptions(cmd)
    .option('--answers <file>', 'YAML answers file (version: 1, answers: {question_id: text})')
    .option('--list', 'print the question ids and questions, then exit')
    .option('--title <text>', 'report title')
    .addHelpText(
      'after',
      `
Answers are read by keyword and intent rules (src/assess/interview/questions.ts). An answer the
rules cannot read gets one follow-up question; if it is still unclear the report lists the
follow-up to ask instead of guessing.

Answers file:
  version: 1
  answers:
    what_logged: We log all connections
    storage_location: On the web server

Examples:
  $ logwarden interview                                   # asks in the terminal
  $ logwarden interview --answers examples/interview-answers.yaml
  $ printf '%s\\n' "We log all connections" "Only the URL" | logwarden interview --format json
  $ logwarden interview --answers answers.yaml -o interview.json   # input for \`logwarden assess\`
  $ logwarden interview --list`,
    )
    .action(async (opts: InterviewCliOptions) => {
      if (opts.list) {
        for (const q of QUESTIONS) io.out(`${q.id.padEnd(22)} ${q.text}\n`);
        return;
      }
      if (opts.format !== undefined) parseReportFormat(opts.format);
      writeReport(io, await interviewToReport(opts, io), opts);
    });
}
