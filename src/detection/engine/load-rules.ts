/**
 * Where rules come from: the pack shipped with logwarden (`rules/` at the package root: the
 * OWASP pack) plus the directories a user names in the config. A rule that cannot load is
 * reported with its file and reason; the others still run.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogwardenError } from '../../core/errors.js';
import { loadSigmaDirectory } from '../sigma/load-files.js';
import type { Placeholders } from '../sigma/modifiers.js';
import type { LoadedSigma } from '../sigma/types.js';

/** `rules/` of the installed package (three levels up from src/ or dist/detection/engine). */
export const BUILTIN_RULES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../rules',
);

export interface RuleSet {
  readonly rules: LoadedSigma[];
  readonly errors: LogwardenError[];
  readonly files: number;
}

export function loadRules(
  opts: { builtin?: boolean; dirs?: readonly string[]; placeholders?: Placeholders } = {},
): RuleSet {
  const dirs = [...(opts.builtin === false ? [] : [BUILTIN_RULES_DIR]), ...(opts.dirs ?? [])];
  const rules: LoadedSigma[] = [];
  const errors: LogwardenError[] = [];
  let files = 0;
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    const r = loadSigmaDirectory(d, {
      placeholders: opts.placeholders ?? {},
      excludeDirs: ['deprecated', 'unsupported'],
    });
    rules.push(...r.rules);
    errors.push(...r.errors);
    files += r.files;
  }
  return { rules, errors, files };
}
