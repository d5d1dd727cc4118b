/**
 * Load Sigma rules from YAML text: detection rules, correlation rules and rule collections
 * (several documents in one file, with `action: global|reset|repeat`). Each rule is validated
 * and compiled once; a rule that cannot load throws `LW_RULE_INVALID` naming the file, the rule
 * (id or title) and the exact reason.
 *
 * @example
 * const rules = loadSigmaText(fs.readFileSync('rule.yml', 'utf8'), { file: 'rule.yml' });
 */
import { LogwardenError } from '../../core/errors.js';
import { compileDetection } from './compile.js';
import type { CompileOptions } from './compile.js';
import { parseCorrelation } from './correlation-parse.js';
import { parseTestCases } from './test-cases.js';
import type { LoadedSigma, SigmaLogsource, SigmaRuleMeta } from './types.js';
import { isYamlMap, parseYamlDocuments } from './yaml-source.js';
import type { YamlDocument, YamlValue } from './yaml-source.js';

export interface LoadOptions extends CompileOptions {
  /** File name used in error messages and recorded on each rule. */
  readonly file?: string;
  /**
   * When given, a rule document that cannot load is recorded here and the other documents of
   * the file still load (rule collections keep their valid rules); otherwise the first throws.
   */
  readonly errors?: LogwardenError[];
}

const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);

/** Parse and compile every rule in `text`. Throws LW_RULE_INVALID on the first bad rule. */
export function loadSigmaText(text: string, opts: LoadOptions = {}): LoadedSigma[] {
  const where = opts.file ?? '<rule text>';
  let docs: YamlDocument[];
  try {
    docs = parseYamlDocuments(text);
  } catch (e) {
    throw new LogwardenError('LW_RULE_INVALID', `${where}: ${(e as Error).message}`, { cause: e });
  }
  const out: LoadedSigma[] = [];
  let global: Record<string, YamlValue> | undefined;
  let previous: Record<string, YamlValue> | undefined;
  for (const doc of docs) {
    const fail = (reason: string, cause?: unknown, v?: Record<string, YamlValue>): never => {
      const label = v ? ruleLabel(v) : '';
      throw new LogwardenError(
        'LW_RULE_INVALID',
        `${where}: ${label ? `rule ${label} ` : ''}(document ${doc.index + 1}, line ${doc.line}): ${reason}`,
        { cause, details: { file: opts.file, document: doc.index + 1, rule: label || undefined } },
      );
    };
    if (!isYamlMap(doc.value)) fail('a rule document must be a YAML map');
    let v = doc.value as Record<string, YamlValue>;
    const action = v['action'];
    if (action === 'global') {
      global = withoutAction(v);
      continue;
    }
    if (action === 'reset') {
      global = undefined;
      continue;
    }
    if (action === 'repeat') {
      if (!previous) fail("'action: repeat' without a previous rule");
      v = deepMerge(previous!, withoutAction(v));
    } else if (action !== undefined) {
      fail(`unknown action '${String(action)}' (global, reset or repeat)`);
    }
    if (global) v = deepMerge(global, v);
    previous = v;
    try {
      out.push(buildSigmaRule(v, doc.index + 1, opts));
    } catch (e) {
      if (!opts.errors) fail((e as Error).message, e, v);
      try {
        fail((e as Error).message, e, v);
      } catch (err) {
        opts.errors!.push(err as LogwardenError);
      }
    }
  }
  return out;
}

/**
 * One rule from its YAML map (after `action:` merges): what loadSigmaText does per document, and
 * what scan's worker threads do with the maps of rules the main thread loaded (LoadedSigma.raw)
 * instead of parsing the YAML again. Throws a plain Error with the reason.
 *
 * @example
 * const again = buildSigmaRule(rule.raw, rule.document, { file: rule.file });
 */
export function buildSigmaRule(
  v: Readonly<Record<string, YamlValue>>,
  document: number,
  opts: LoadOptions,
): LoadedSigma {
  const title = v['title'];
  if (typeof title !== 'string' || title.trim() === '') throw new Error("missing 'title'");
  const id = optString(v, 'id');
  const name = optString(v, 'name');
  const level = optString(v, 'level');
  if (level !== undefined && !LEVELS.has(level)) {
    throw new Error(`'level' is '${level}'; expected one of ${[...LEVELS].join(', ')}`);
  }
  const tagsRaw = v['tags'];
  if (
    tagsRaw !== undefined &&
    tagsRaw !== null &&
    (!Array.isArray(tagsRaw) || tagsRaw.some((t) => typeof t !== 'string'))
  ) {
    throw new Error("'tags' must be a list of strings");
  }
  const meta: SigmaRuleMeta = {
    ...(id === undefined ? {} : { id }),
    ...(name === undefined ? {} : { name }),
    title,
    ...(level === undefined ? {} : { level }),
    ...(optString(v, 'status') === undefined ? {} : { status: optString(v, 'status')! }),
    ...(optString(v, 'description') === undefined
      ? {}
      : { description: optString(v, 'description')! }),
    tags: (tagsRaw as string[] | undefined | null) ?? [],
    ...(opts.file === undefined ? {} : { file: opts.file }),
    document,
    tests: parseTestCases(v['tests'], 'rule'),
    raw: v,
  };
  if (v['correlation'] !== undefined) {
    if (v['detection'] !== undefined)
      throw new Error("a rule has either 'detection' or 'correlation', not both");
    return parseCorrelation(v, meta);
  }
  if (v['detection'] === undefined) throw new Error("missing 'detection' (or 'correlation')");
  const logsource = parseLogsource(v['logsource']);
  const det = compileDetection(v['detection'], opts);
  return {
    kind: 'rule',
    ...meta,
    logsource,
    fields: det.fields,
    usesKeywords: det.usesKeywords,
    requirement: det.requirement,
    match: det.match,
    specialize: det.specialize,
  };
}

function parseLogsource(v: YamlValue | undefined): SigmaLogsource {
  if (v === undefined || v === null) throw new Error("missing 'logsource'");
  if (!isYamlMap(v)) throw new Error("'logsource' must be a map");
  const out: { category?: string; product?: string; service?: string } = {};
  for (const k of ['category', 'product', 'service'] as const) {
    const x = v[k];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string') throw new Error(`'logsource.${k}' must be a string`);
    out[k] = x;
  }
  return out;
}

function optString(v: Record<string, YamlValue>, key: string): string | undefined {
  const x = v[key];
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'string') throw new Error(`'${key}' must be a string`);
  return x;
}

function ruleLabel(v: Record<string, YamlValue>): string {
  const id = typeof v['id'] === 'string' ? v['id'] : undefined;
  const title = typeof v['title'] === 'string' ? v['title'] : undefined;
  const name = typeof v['name'] === 'string' ? v['name'] : undefined;
  if (id && title) return `${id} "${title}"`;
  if (title) return `"${title}"`;
  return id ?? name ?? '';
}

function withoutAction(v: Record<string, YamlValue>): Record<string, YamlValue> {
  const { action: _action, ...rest } = v;
  return rest;
}

/** Rule collections: later documents extend the global one; maps merge, other values replace. */
function deepMerge(
  a: Record<string, YamlValue>,
  b: Record<string, YamlValue>,
): Record<string, YamlValue> {
  const out: Record<string, YamlValue> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isYamlMap(prev) && isYamlMap(v) ? deepMerge(prev, v) : v;
  }
  return out;
}
