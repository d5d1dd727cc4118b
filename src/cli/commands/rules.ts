/**
 * `logwarden rules list|validate|test`: rules are data, tested as data. `test` runs the test
 * events each rule carries (see src/detection/sigma/test-cases.ts), so a user who edits a
 * threshold sees at once which expectations changed.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { LogwardenError } from '../../core/errors.js';
import { loadRules } from '../../detection/engine/index.js';
import { loadSigmaFile, runRuleTests } from '../../detection/sigma/index.js';
import type { LoadedSigma } from '../../detection/sigma/types.js';
import type { CliIO } from '../io.js';
import { parseFormat, writeRows } from '../output.js';

interface RulesOptions {
  format?: string;
  builtin?: boolean;
}

/** Load rule files and directories; the shipped pack too unless --no-builtin. */
function load(
  paths: readonly string[],
  builtin: boolean,
): { rules: LoadedSigma[]; errors: LogwardenError[] } {
  const dirs: string[] = [];
  const rules: LoadedSigma[] = [];
  const errors: LogwardenError[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new LogwardenError('LW_INPUT_NOT_FOUND', `${p}: no such rule file or directory`);
    }
    if (st.isDirectory()) dirs.push(p);
    else {
      try {
        rules.push(...loadSigmaFile(p));
      } catch (e) {
        errors.push(
          e instanceof LogwardenError
            ? e
            : new LogwardenError('LW_RULE_INVALID', `${p}: ${(e as Error).message}`),
        );
      }
    }
  }
  const set = loadRules({ builtin: builtin || paths.length === 0, dirs });
  return { rules: [...set.rules, ...rules], errors: [...set.errors, ...errors] };
}

const label = (r: LoadedSigma): string => r.name ?? r.id ?? r.title;

export function registerRules(program: Command, io: CliIO): void {
  const rules = program
    .command('rules')
    .description('List, validate and test detection rules (Sigma, with the shipped OWASP pack).')
    .addHelpText(
      'after',
      `
Rules live in YAML files in Sigma format. The shipped OWASP pack is the rules/ folder of the
package ('logwarden rules list --format json' shows each rule's file); copy a rule to your own
directory to change it and load it with --rules (serve: detection.rules_dirs).

Examples:
  $ logwarden rules list
  $ logwarden rules validate my-rules/
  $ logwarden rules test                   # the shipped pack's own test events
  $ logwarden rules test my-rules/bruteforce.yml`,
    );

  rules
    .command('list')
    .description('List loaded rules with level, kind, logsource and how many tests they carry.')
    .argument('[paths...]', 'rule files or directories (default: the shipped pack)')
    .option('--format <format>', 'table|json|ndjson', 'table')
    .option('--no-builtin', 'leave out the shipped pack when paths are given')
    .action((paths: string[], opts: RulesOptions) => {
      const format = parseFormat(opts.format);
      const { rules: list, errors } = load(paths, opts.builtin !== false && paths.length === 0);
      for (const e of errors) io.err(`error ${e.code}: ${e.message}\n`);
      writeRows(io, list, {
        format,
        json: (r) => ({
          name: r.name ?? null,
          id: r.id ?? null,
          title: r.title,
          level: r.level ?? null,
          kind: r.kind === 'rule' ? 'rule' : `correlation:${r.type}`,
          logsource: r.kind === 'rule' ? r.logsource : null,
          tags: r.tags,
          tests: r.tests.length,
          file: r.file ?? null,
        }),
        columns: [
          { header: 'RULE', get: label, maxWidth: 36 },
          { header: 'LEVEL', get: (r) => r.level ?? '' },
          { header: 'KIND', get: (r) => (r.kind === 'rule' ? 'rule' : r.type) },
          { header: 'TESTS', get: (r) => r.tests.length, align: 'right' },
          { header: 'TITLE', get: (r) => r.title, maxWidth: 60 },
        ],
      });
      if (errors.length > 0) process.exitCode = 65;
    });

  rules
    .command('validate')
    .description('Load rules and report every one that cannot load, with the reason.')
    .argument('[paths...]', 'rule files or directories (default: the shipped pack)')
    .action((paths: string[]) => {
      const { rules: list, errors } = load(paths, paths.length === 0);
      for (const e of errors) io.err(`error ${e.code}: ${e.message}\n`);
      io.err(`${list.length} rules loaded, ${errors.length} failed\n`);
      if (errors.length > 0) process.exitCode = 65;
    });

  rules
    .command('test')
    .description('Run the test events every rule carries and report each expectation.')
    .argument('[paths...]', 'rule files or directories (default: the shipped pack)')
    .option('--format <format>', 'table|json|ndjson', 'table')
    .action((paths: string[], opts: RulesOptions) => {
      const format = parseFormat(opts.format);
      const { rules: list, errors } = load(paths, paths.length === 0);
      for (const e of errors) io.err(`error ${e.code}: ${e.message}\n`);
      const pool = [...list, ...(paths.length > 0 ? loadRules({ builtin: true }).rules : [])];
      const results = list.flatMap((r) => {
        try {
          return runRuleTests(r, { rules: pool });
        } catch (e) {
          return [
            {
              rule: label(r),
              test: '(loading tests)',
              passed: false,
              matches: 0,
              message: (e as Error).message,
            },
          ];
        }
      });
      writeRows(io, results, {
        format,
        empty: 'no rule carries tests',
        json: (r) => r,
        columns: [
          { header: 'RESULT', get: (r) => (r.passed ? 'pass' : 'FAIL') },
          { header: 'RULE', get: (r) => r.rule, maxWidth: 36 },
          { header: 'TEST', get: (r) => r.test, maxWidth: 50 },
          { header: 'DETAIL', get: (r) => (r.passed ? '' : r.message), maxWidth: 80 },
        ],
      });
      const failed = results.filter((r) => !r.passed).length;
      io.err(`${results.length - failed} passed, ${failed} failed (${list.length} rules)\n`);
      if (failed > 0 || errors.length > 0) process.exitCode = 1;
    });
}
