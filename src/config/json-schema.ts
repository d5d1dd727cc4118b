import { z } from 'zod';
import { configSchema } from './schema.js';

/** A JSON Schema node as produced by `z.toJSONSchema` (only the parts we read). */
export interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: boolean | JsonSchemaNode;
  items?: JsonSchemaNode;
  required?: string[];
  [key: string]: unknown;
}

let cached: JsonSchemaNode | undefined;

/**
 * JSON Schema (draft 2020-12) of the config file, input side: what a user may write.
 *
 * @example JSON.stringify(configJsonSchema()) // for editors: `# yaml-language-server: $schema=...`
 */
export function configJsonSchema(): JsonSchemaNode {
  cached ??= z.toJSONSchema(configSchema, { io: 'input' }) as JsonSchemaNode;
  return cached;
}

/** The schema node at a key path, following records and arrays; undefined when no such key. */
export function schemaAt(path: readonly string[]): JsonSchemaNode | undefined {
  let node: JsonSchemaNode | undefined = configJsonSchema();
  for (const key of path) {
    if (!node) return undefined;
    if (node.properties && key in node.properties) node = node.properties[key];
    else if (typeof node.additionalProperties === 'object') node = node.additionalProperties;
    else if (node.items && /^\d+$/.test(key)) node = node.items;
    else return undefined;
  }
  return node;
}

/** Environment variable that sets a key: `server.max_body_bytes` -> `LOGWARDEN_SERVER__MAX_BODY_BYTES`. */
export function envNameFor(path: readonly string[]): string {
  return `LOGWARDEN_${path.map((p) => p.toUpperCase()).join('__')}`;
}

function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.type === 'array') return `${node.items ? typeOf(node.items) : 'any'}[]`;
  if (node.type === 'object' && typeof node.additionalProperties === 'object') {
    return `map of ${typeOf(node.additionalProperties)}`;
  }
  return Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'any');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * docs/config.md, generated from the schema. A test fails when the committed file differs.
 */
export function renderConfigDocs(): string {
  const root = configJsonSchema();
  const lines: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config (renderConfigDocs). Do not edit: run `node dist/cli/main.js validate --print-docs > docs/config.md`. -->',
    '',
    'logwarden reads one YAML file (`logwarden serve --config logwarden.yaml`). Every key is optional',
    'except `version: 1`; the defaults below are secure (loopback only, data in `./data`).',
    '',
    'The file is processed in one pipeline: YAML -> `${VAR}` / `${VAR:-default}` substitution in',
    'string values (`$${` writes a literal `${`) -> environment overrides -> strict parse (unknown keys',
    'are errors naming the file and key path) -> defaults -> cross-key validation.',
    '',
    '## Environment variables',
    '',
    'Every key can be set by an environment variable: `LOGWARDEN_` followed by the key path in upper',
    'case with `__` between levels, e.g. `LOGWARDEN_SERVER__LISTEN=0.0.0.0:7420`. Values for string',
    'keys are taken as written; other values are JSON (`LOGWARDEN_REDACTION__FIELDS=["ssn","iban"]`).',
    'Environment variables override the file. A `LOGWARDEN_..__..` variable that names no key is an error.',
    '',
    'The JSON Schema is printed by `logwarden validate --print-schema`.',
    '',
  ];
  const version = root.properties?.version;
  lines.push('## `version`', '', version?.description ?? '', '');
  for (const [section, node] of Object.entries(root.properties ?? {})) {
    if (section === 'version' || !node.properties) continue;
    lines.push(`## \`${section}\``, '');
    if (node.description) lines.push(node.description, '');
    lines.push(
      '| key | type | default | environment variable | meaning |',
      '|---|---|---|---|---|',
    );
    for (const [key, leaf] of Object.entries(node.properties)) {
      const def = leaf.default === undefined ? '' : `\`${JSON.stringify(leaf.default)}\``;
      lines.push(
        `| \`${section}.${key}\` | ${typeOf(leaf)} | ${def} | \`${envNameFor([section, key])}\` | ${cell(leaf.description ?? '')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
