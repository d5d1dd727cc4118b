/**
 * Where rules come from: the pack shipped with logwarden (`rules/` at the package root: the
 * OWASP pack) plus the directories a user names in the config. A rule that cannot load is
 * reported with its file and reason; the others still run.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogwardenError } from '../../core/errors.js';
import { loadSigmaDirectory } from '../sigma/load-files.js';
import { buildSigmaRule } from '../sigma/loader.js';
import type { Placeholders } from '../sigma/modifiers.js';
import type { LoadedSigma } from '../sigma/types.js';
import type { YamlValue } from '../sigma/yaml-source.js';

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

/**
 * Loaded rules as plain data another thread can receive (a structured clone): each rule's YAML
 * map, file and document. compileRuleSources() builds the same rules from them without reading
 * or parsing any YAML (scan's worker threads).
 */
export interface RuleSources {
  readonly rules: ReadonlyArray<{
    readonly raw: Readonly<Record<string, YamlValue>>;
    readonly file?: string;
    readonly document: number;
  }>;
  readonly placeholders: Placeholders;
}

export function ruleSources(
  rules: readonly LoadedSigma[],
  placeholders: Placeholders = {},
): RuleSources {
  return {
    rules: rules.map((r) => ({
      raw: r.raw,
      document: r.document,
      ...(r.file === undefined ? {} : { file: r.file }),
    })),
    placeholders,
  };
}

/** The rules of ruleSources(), built again, in the same order. */
export function compileRuleSources(s: RuleSources): LoadedSigma[] {
  return s.rules.map((r) => {
    try {
      return buildSigmaRule(ownKeysOnly(r.raw) as Record<string, YamlValue>, r.document, {
        placeholders: s.placeholders,
        ...(r.file === undefined ? {} : { file: r.file }),
      });
    } catch (e) {
      throw new LogwardenError(
        'LW_RULE_INVALID',
        `${r.file ?? '<rule>'} (document ${r.document}): ${(e as Error).message}`,
        { cause: e },
      );
    }
  });
}

/**
 * Maps without a prototype again, as the YAML loader makes them (a structured clone gives them
 * Object.prototype, whose members a lookup by a name from the rule would find).
 */
function ownKeysOnly(v: YamlValue): YamlValue {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(ownKeysOnly);
  const out = Object.create(null) as Record<string, YamlValue>;
  for (const k of Object.keys(v)) out[k] = ownKeysOnly(v[k]!);
  return out;
}
