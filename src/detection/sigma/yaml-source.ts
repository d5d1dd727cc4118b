/**
 * YAML → plain values for Sigma rules, keeping each scalar's source text (ARCHITECTURE §8).
 *
 * The YAML 1.2 core schema would turn `EventID: 00000429` into the number 429 and `0x1F` into
 * 31; Sigma compares values by their string form, so a plain scalar that YAML resolved to a
 * number or boolean is returned as the exact text written in the file. Quoted and block
 * scalars are returned untouched (never trimmed). Only `null`, `~` and an empty value become
 * `null`.
 *
 * @example
 * parseYamlDocuments('EventID: 00000429\n')[0].value // { EventID: '00000429' }
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';

// The parser is loaded on first use (synchronously: `yaml` is CommonJS): scan's worker threads
// build rules from maps the main thread parsed and never parse YAML, and importing `yaml` cost
// each of them ~45 ms of CPU (bench/scan.mjs, docs/benchmarks.md).
let yaml: typeof Yaml | undefined;
const yamlLib = (): typeof Yaml => (yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

export interface YamlDocument {
  /** 0-based index of the document in its file. */
  readonly index: number;
  /** 1-based line where the document starts. */
  readonly line: number;
  readonly value: YamlValue;
}

/** Parse every document of a YAML stream; syntax errors throw an Error naming the line. */
export function parseYamlDocuments(text: string): YamlDocument[] {
  const docs = yamlLib().parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: YamlDocument[] = [];
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      const first = doc.errors[0]!;
      throw new Error(`YAML document ${index + 1}: ${first.message.split('\n')[0]}`);
    }
    if (doc.contents === null) return; // an empty document (e.g. a trailing `---`)
    const start = doc.range[0];
    const line = text.slice(0, start).split('\n').length;
    out.push({ index, line, value: toValue(doc.contents as YamlNode, doc as Document, 0) });
  });
  return out;
}

function toValue(node: YamlNode | null, doc: Document, depth: number): YamlValue {
  const { isAlias, isMap, isScalar, isSeq } = yamlLib();
  if (depth > 64) throw new Error('YAML nesting deeper than 64 levels');
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toValue(node.resolve(doc) as YamlNode, doc, depth + 1);
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') return v;
    // Numbers, booleans (and anything else the core schema resolved): keep the source text.
    return node.source ?? String(v);
  }
  if (isSeq(node)) return node.items.map((item) => toValue(item as YamlNode, doc, depth + 1));
  if (isMap(node)) {
    const obj: Record<string, YamlValue> = Object.create(null) as Record<string, YamlValue>;
    for (const pair of node.items) {
      const key = toValue(pair.key as YamlNode, doc, depth + 1);
      if (typeof key !== 'string') throw new Error('YAML map key is not a scalar');
      obj[key] = toValue(pair.value as YamlNode, doc, depth + 1);
    }
    return obj;
  }
  throw new Error('unsupported YAML node');
}

export function isYamlMap(v: YamlValue | undefined): v is { [key: string]: YamlValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
