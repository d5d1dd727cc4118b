/**
 * Environment handling for the config pipeline: `${VAR}` substitution inside string values
 * and `LOGWARDEN_SECTION__KEY` overrides. Substitution works on parsed scalars, never on the
 * raw text, so a variable's value can never inject YAML structure.
 */
import { schemaAt } from './json-schema.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** A problem found while applying the environment, with the key path it concerns. */
export interface EnvIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Convert text for a key whose schema wants a non-string (number, boolean, array...) from JSON. */
function coerce(text: string, path: readonly string[]): unknown {
  const leaf = schemaAt(path);
  if (leaf?.type === 'string' || (leaf?.enum && leaf.enum.every((v) => typeof v === 'string')))
    return text;
  try {
    return JSON.parse(text);
  } catch {
    return text; // the strict parse then reports the wrong type, naming the key
  }
}

function substituteString(
  value: string,
  path: (string | number)[],
  env: Env,
  issues: EnvIssue[],
): unknown {
  let whole = false;
  const out = value.replace(
    REF,
    (match, name: string | undefined, fallback: string | undefined, offset: number) => {
      if (match === '$${') return '${';
      if (offset === 0 && match.length === value.length) whole = true;
      const v = env[name as string];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      issues.push({
        path,
        message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
      });
      return '';
    },
  );
  // `port: ${PORT}` should give a number: a whole-value reference takes the key's type.
  return whole ? coerce(out, path.map(String)) : out;
}

/** Replace `${VAR}` / `${VAR:-default}` in every string value of a parsed YAML document. */
export function substituteEnv(
  doc: unknown,
  env: Env,
  issues: EnvIssue[],
  path: (string | number)[] = [],
): unknown {
  if (typeof doc === 'string') return substituteString(doc, path, env, issues);
  if (Array.isArray(doc)) return doc.map((v, i) => substituteEnv(v, env, issues, [...path, i]));
  if (doc !== null && typeof doc === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) out[k] = substituteEnv(v, env, issues, [...path, k]);
    return out;
  }
  return doc;
}

/** Names of the override variables present in `env`, with the key path each sets. */
export function envOverrides(env: Env): { name: string; path: string[]; value: string }[] {
  const out: { name: string; path: string[]; value: string }[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('LOGWARDEN_') || !name.includes('__') || value === undefined) continue;
    out.push({ name, path: name.slice('LOGWARDEN_'.length).toLowerCase().split('__'), value });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Apply `LOGWARDEN_A__B=value` overrides onto a document; unknown keys are issues. */
export function applyEnvOverrides(
  doc: Record<string, unknown>,
  env: Env,
  issues: EnvIssue[],
): string[] {
  const applied: string[] = [];
  for (const { name, path, value } of envOverrides(env)) {
    if (!schemaAt(path) || path.some((p) => p === '')) {
      issues.push({ path, message: `${name} names no config key (${path.join('.')})` });
      continue;
    }
    let node: Record<string, unknown> = doc;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = coerce(value, path);
    applied.push(path.join('.'));
  }
  return applied;
}
