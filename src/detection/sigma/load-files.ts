/**
 * Load Sigma rules from files and directory trees. A `<rule>.tests.yaml` beside a rule file adds
 * test cases to its rules (see test-cases.ts). Directory loading collects every failure with its
 * reason instead of stopping at the first, so `rules validate` can list them all.
 *
 * @example
 * const { rules, errors } = loadSigmaDirectory('/etc/logwarden/rules', { placeholders: { admins: ['root'] } });
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LogwardenError } from '../../core/errors.js';
import { loadSigmaText } from './loader.js';
import type { LoadOptions } from './loader.js';
import { parseTestCases } from './test-cases.js';
import type { LoadedSigma, RuleTestCase } from './types.js';
import { isYamlMap, parseYamlDocuments } from './yaml-source.js';

const RULE_FILE = /\.ya?ml$/i;
const TESTS_FILE = /\.tests\.ya?ml$/i;

/** Load one rule file (and its `.tests.yaml` companion when present). */
export function loadSigmaFile(path: string, opts: Omit<LoadOptions, 'file'> = {}): LoadedSigma[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LogwardenError(
      'LW_INPUT_NOT_FOUND',
      `${path}: cannot read rule file: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const rules = loadSigmaText(text, { ...opts, file: path });
  const companion = path.replace(RULE_FILE, (ext) => `.tests${ext}`);
  if (companion !== path && existsSync(companion)) return attachTests(rules, companion);
  return rules;
}

export interface DirectoryLoad {
  readonly rules: LoadedSigma[];
  /** One LW_RULE_INVALID (or read) error per file that failed, with the reason. */
  readonly errors: LogwardenError[];
  readonly files: number;
}

/** Load every `.yml`/`.yaml` under `dir`, skipping directories named in `excludeDirs`. */
export function loadSigmaDirectory(
  dir: string,
  opts: Omit<LoadOptions, 'file'> & { readonly excludeDirs?: readonly string[] } = {},
): DirectoryLoad {
  const exclude = new Set(opts.excludeDirs ?? []);
  const rules: LoadedSigma[] = [];
  const errors: LogwardenError[] = [];
  let files = 0;
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (!exclude.has(entry) && !exclude.has(relative(dir, p)) && !entry.startsWith('.'))
          walk(p);
      } else if (RULE_FILE.test(entry) && !TESTS_FILE.test(entry)) {
        files++;
        try {
          rules.push(...loadSigmaFile(p, { ...opts, errors }));
        } catch (e) {
          errors.push(
            e instanceof LogwardenError
              ? e
              : new LogwardenError('LW_RULE_INVALID', `${p}: ${(e as Error).message}`, {
                  cause: e,
                }),
          );
        }
      }
    }
  };
  walk(dir);
  return { rules, errors, files };
}

function attachTests(rules: LoadedSigma[], companion: string): LoadedSigma[] {
  let docs;
  try {
    docs = parseYamlDocuments(readFileSync(companion, 'utf8'));
  } catch (e) {
    throw new LogwardenError('LW_RULE_INVALID', `${companion}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const extra = new Map<LoadedSigma, RuleTestCase[]>();
  for (const doc of docs) {
    const v = doc.value;
    const where = `${companion} (document ${doc.index + 1})`;
    try {
      if (!isYamlMap(v)) throw new Error('must be a map with tests');
      const ref = v['rule'];
      let target: LoadedSigma | undefined;
      if (ref === undefined || ref === null) {
        if (rules.length !== 1)
          throw new Error("name the rule with 'rule:' (the rule file holds several)");
        target = rules[0];
      } else {
        target = rules.find((r) => r.id === ref || r.name === ref || r.title === ref);
        if (!target) throw new Error(`'rule: ${String(ref)}' matches no rule in the rule file`);
      }
      const list = extra.get(target!) ?? [];
      list.push(...parseTestCases(v['tests'], where));
      extra.set(target!, list);
    } catch (e) {
      if (e instanceof LogwardenError) throw e;
      throw new LogwardenError('LW_RULE_INVALID', `${where}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
  return rules.map((r) => {
    const more = extra.get(r);
    return more ? { ...r, tests: [...r.tests, ...more] } : r;
  });
}
