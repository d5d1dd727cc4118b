/**
 * The one config pipeline (STYLE habit 5): read YAML -> `${ENV}` substitution -> environment
 * overrides -> strict parse -> defaults -> pure validation. Building (I/O) is the caller's job.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { LogwardenError } from '../core/errors.js';
import { applyEnvOverrides, substituteEnv, type Env, type EnvIssue } from './env.js';
import { envNameFor } from './json-schema.js';
import { configSchema, type Config } from './schema.js';
import { CONFIG_SECTIONS } from './sections/index.js';

export interface LoadedConfig {
  readonly config: Config;
  /** The file read, or undefined when running on defaults. */
  readonly file: string | undefined;
  /** Key paths set from `LOGWARDEN_...` variables. */
  readonly fromEnv: readonly string[];
}

export interface LoadConfigOptions {
  /** YAML file; without it the defaults (plus environment overrides) apply. */
  readonly file?: string | undefined;
  /** Defaults to `process.env`. */
  readonly env?: Env;
}

function invalid(
  origin: string,
  issues: { path: readonly (string | number)[]; message: string }[],
): LogwardenError {
  const lines = issues.map(
    (i) => `${origin}: ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`,
  );
  return new LogwardenError('LW_CONFIG_INVALID', lines.join('\n'), {
    details: {
      file: origin,
      issues: issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    },
  });
}

/**
 * Read, parse and validate a config file.
 *
 * @example
 * const { config } = loadConfig({ file: 'logwarden.yaml' });
 * config.server.listen; // '127.0.0.1:7420' unless set
 * @throws LogwardenError LW_CONFIG_NOT_FOUND, LW_CONFIG_INVALID (the message names the file and key path)
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  if (options.file === undefined)
    return { ...parseConfig({ version: 1 }, { origin: '(defaults)', env }), file: undefined };
  let text: string;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LogwardenError(
      code === 'ENOENT' ? 'LW_CONFIG_NOT_FOUND' : 'LW_CONFIG_INVALID',
      `${options.file}: cannot read config file (${code ?? (e as Error).message})`,
      { cause: e },
    );
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      doc.errors.map((e) => `${options.file}: ${e.message.split('\n')[0]}`).join('\n'),
    );
  }
  const data: unknown = doc.toJS();
  return { ...parseConfig(data ?? {}, { origin: options.file, env }), file: options.file };
}

/**
 * The pipeline after YAML parsing, on a plain document (also used by tests and `validate`).
 */
export function parseConfig(
  data: unknown,
  opts: { origin: string; env?: Env },
): Omit<LoadedConfig, 'file'> {
  const origin = opts.origin;
  const env = opts.env ?? process.env;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw invalid(origin, [
      { path: [], message: 'expected a mapping of sections (version: 1, server: ..., ...)' },
    ]);
  }
  const issues: EnvIssue[] = [];
  const substituted = substituteEnv(data, env, issues) as Record<string, unknown>;
  const fromEnv = applyEnvOverrides(substituted, env, issues);
  if (issues.length > 0) throw invalid(origin, issues);

  const parsed = configSchema.safeParse(substituted);
  if (!parsed.success) {
    throw invalid(
      origin,
      parsed.error.issues.map((i) => {
        const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        const keys = 'keys' in i && Array.isArray(i.keys) ? (i.keys as string[]) : [];
        const fullPath = keys.length === 1 ? [...path, keys[0] as string] : path;
        const key = fullPath.join('.');
        let message = i.message;
        if (i.code === 'unrecognized_keys')
          message = `unknown key${keys.length > 1 ? 's ' + keys.join(', ') : ''} (not in the schema: see docs/config.md)`;
        if (path.length === 1 && path[0] === 'version') message = 'version: 1 is required';
        if (fromEnv.includes(key)) message += ` (set by ${envNameFor(fullPath.map(String))})`;
        return { path: fullPath, message };
      }),
    );
  }
  const config = parsed.data;
  const semantic: EnvIssue[] = [];
  for (const [name, section] of Object.entries(CONFIG_SECTIONS)) {
    const validate = section.validate as ((v: unknown) => EnvIssue[]) | undefined;
    for (const issue of validate?.(config[name as keyof typeof CONFIG_SECTIONS]) ?? []) {
      semantic.push({ path: [name, ...issue.path], message: issue.message });
    }
  }
  if (semantic.length > 0) throw invalid(origin, semantic);
  return { config, fromEnv };
}
