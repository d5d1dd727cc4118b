import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { afterAll, describe, expect, it } from 'vitest';
import { LogwardenError } from '../core/errors.js';
import {
  configJsonSchema,
  loadConfig,
  parseConfig,
  renderConfigDocs,
  retentionPolicy,
} from './index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lw-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function errorOf(fn: () => unknown): LogwardenError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LogwardenError) return e;
    throw e;
  }
  throw new Error('expected a LogwardenError');
}

describe('config pipeline', () => {
  it('applies secure defaults when no file is given', () => {
    const { config } = loadConfig({ env: {} });
    expect(config.server.listen).toBe('127.0.0.1:7420');
    expect(config.storage.path).toBe('./data');
    expect(config.storage.synchronous).toBe('full');
    expect(config.retention.security_days).toBe(400);
    expect(config.retention.http_days).toBe(30);
    expect(retentionPolicy(config.retention).days).toMatchObject({
      default: 400,
      http: 30,
      log: 30,
    });
  });

  it('reads a YAML file and keeps defaults for keys it does not set', () => {
    const file = write('ok.yaml', 'version: 1\nserver:\n  max_body_bytes: 2000000\n');
    const { config, file: read } = loadConfig({ file, env: {} });
    expect(read).toBe(file);
    expect(config.server.max_body_bytes).toBe(2_000_000);
    expect(config.server.max_item_bytes).toBe(65536);
  });

  it('rejects an unknown key, naming the file and the key path', () => {
    const file = write('unknown.yaml', 'version: 1\nserver:\n  listen_port: 80\n');
    const e = errorOf(() => loadConfig({ file, env: {} }));
    expect(e.code).toBe('LW_CONFIG_INVALID');
    expect(e.message).toContain(file);
    expect(e.message).toContain('server.listen_port');
  });

  it('requires version: 1', () => {
    const e = errorOf(() => parseConfig({ server: {} }, { origin: 'x.yaml', env: {} }));
    expect(e.message).toMatch(/x\.yaml: version: version: 1 is required/);
    expect(
      errorOf(() => parseConfig({ version: 2 }, { origin: 'x.yaml', env: {} })).message,
    ).toContain('version');
  });

  it('names the key and the expected type for a wrong value', () => {
    const e = errorOf(() =>
      parseConfig({ version: 1, server: { max_depth: 'deep' } }, { origin: 'c.yaml', env: {} }),
    );
    expect(e.message).toMatch(/c\.yaml: server\.max_depth: .*number/);
  });

  it('substitutes ${VAR} and ${VAR:-default}, typed by the key', () => {
    const file = write(
      'env.yaml',
      'version: 1\nserver:\n  listen: "${HOST:-127.0.0.1}:${PORT}"\n  max_depth: ${DEPTH}\nstorage:\n  path: "$${literal}/${DIR:-d}"\n',
    );
    const { config } = loadConfig({ file, env: { PORT: '9999', DEPTH: '4' } });
    expect(config.server.listen).toBe('127.0.0.1:9999');
    expect(config.server.max_depth).toBe(4);
    expect(config.storage.path).toBe('${literal}/d');
  });

  it('reports an unset variable without default, naming the key', () => {
    const e = errorOf(() =>
      parseConfig({ version: 1, storage: { path: '${NOPE_DIR}' } }, { origin: 'f.yaml', env: {} }),
    );
    expect(e.message).toContain('storage.path');
    expect(e.message).toContain('NOPE_DIR');
  });

  it('lets LOGWARDEN_SECTION__KEY override any key, typed by the schema', () => {
    const { config, fromEnv } = parseConfig(
      { version: 1, server: { listen: '127.0.0.1:1' } },
      {
        origin: 'f.yaml',
        env: {
          LOGWARDEN_SERVER__LISTEN: '127.0.0.1:7000',
          LOGWARDEN_SERVER__MAX_FIELDS: '12',
          LOGWARDEN_REDACTION__FIELDS: '["ssn","iban"]',
          LOGWARDEN_RETENTION__CATEGORIES__AUTHN: '730',
          LOGWARDEN_STORAGE__SYNCHRONOUS: 'normal',
        },
      },
    );
    expect(config.server.listen).toBe('127.0.0.1:7000');
    expect(config.server.max_fields).toBe(12);
    expect(config.redaction.fields).toEqual(['ssn', 'iban']);
    expect(config.retention.categories).toEqual({ authn: 730 });
    expect(config.storage.synchronous).toBe('normal');
    expect(fromEnv).toContain('server.max_fields');
  });

  it('rejects an override variable that names no key, and a badly typed one', () => {
    const e = errorOf(() =>
      parseConfig({ version: 1 }, { origin: 'f', env: { LOGWARDEN_SERVER__LISTN: 'x' } }),
    );
    expect(e.message).toContain('LOGWARDEN_SERVER__LISTN');
    const e2 = errorOf(() =>
      parseConfig({ version: 1 }, { origin: 'f', env: { LOGWARDEN_SERVER__MAX_DEPTH: 'ten' } }),
    );
    expect(e2.message).toContain('server.max_depth');
    expect(e2.message).toContain('LOGWARDEN_SERVER__MAX_DEPTH');
  });

  it('runs cross-key validation after the parse', () => {
    const e = errorOf(() =>
      parseConfig(
        {
          version: 1,
          server: {
            listen: 'localhost',
            max_item_bytes: 10,
            max_body_bytes: 5,
            max_inflight_bytes: 100,
          },
        },
        { origin: 'v.yaml', env: {} },
      ),
    );
    expect(e.message).toContain('v.yaml: server.listen: expected HOST:PORT');
    expect(e.message).toContain('server.max_item_bytes: 10 is above max_body_bytes 5');
    const e2 = errorOf(() =>
      parseConfig(
        { version: 1, redaction: { patterns: [{ name: 'x', regex: '(' }] } },
        { origin: 'v', env: {} },
      ),
    );
    expect(e2.message).toContain('redaction.patterns.0.regex');
  });

  it('reports YAML syntax errors and missing files with the file name', () => {
    const file = write('bad.yaml', 'version: 1\nserver: [unclosed\n');
    expect(errorOf(() => loadConfig({ file, env: {} })).message).toContain(file);
    const missing = path.join(dir, 'missing.yaml');
    const e = errorOf(() => loadConfig({ file: missing, env: {} }));
    expect(e.code).toBe('LW_CONFIG_NOT_FOUND');
    expect(e.message).toContain(missing);
  });

  it('exports a JSON Schema that forbids unknown keys', () => {
    const schema = configJsonSchema();
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties?.server?.properties?.listen?.default).toBe('127.0.0.1:7420');
  });

  it('docs/config.md is generated from the schema and up to date', async () => {
    const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/config.md');
    const committed = readFileSync(docs, 'utf8');
    // Compared after prettier so that `npm run format` on the docs does not make this fail.
    const options = { ...(await resolveConfig(docs)), parser: 'markdown' };
    expect(
      await format(committed, options),
      'docs/config.md is stale: run `node dist/cli/main.js validate --print-docs > docs/config.md`',
    ).toBe(await format(renderConfigDocs(), options));
  });
});
