/**
 * The CLI as users run it: tokens, search formats, sources, validate, help and exit codes.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  makeEvent,
  runCli,
  sendBatch,
  startServe,
  tempDir,
  type ServeProcess,
} from './helpers.js';

let dir: string;
let srv: ServeProcess;

beforeAll(async () => {
  dir = tempDir('lw-cli-');
  srv = await startServe({ dataDir: dir });
});

afterAll(async () => {
  await srv?.stop();
  killAllServes();
  cleanupTemps();
});

describe('logwarden serve', () => {
  it('prints a parseable listening line and, on first start, how to send a first event', async () => {
    await srv.waitForStdout(/find it:\n.*search/);
    expect(srv.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/m);
    expect(srv.stdout()).toContain('No tokens yet');
    expect(srv.stdout()).toMatch(/dist\/cli\/main\.js tokens create --name my-app --data \S+/);
    expect(srv.stdout()).toContain(`curl -sS ${srv.url}/v1/events`);
  });
});

describe('logwarden tokens', () => {
  it('create prints the token alone on stdout; list never shows it; revoke takes effect on the running server', async () => {
    const created = await runCli(['tokens', 'create', '--name', 'web-1', '--data', dir]);
    expect(created.code).toBe(0);
    const lines = created.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const token = lines[0] as string;
    expect(token).toMatch(/^lw_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('not shown again');

    const dup = await runCli(['tokens', 'create', '--name', 'web-1', '--data', dir]);
    expect(dup.code, dup.stderr).toBe(65);
    expect(dup.stderr).toMatch(/^error LW_CONFLICT: .*web-1/);

    const list = await runCli(['tokens', 'list', '--data', dir]);
    expect(list.stdout).toMatch(/^NAME\s+SCOPES\s+PREFIX\s+CREATED\s+STATUS/);
    expect(list.stdout).toMatch(/web-1\s+ingest\s+lw_/);
    expect(list.stdout).not.toContain(token);
    const json = JSON.parse(
      (await runCli(['tokens', 'list', '--format', 'json', '--data', dir])).stdout,
    ) as { name: string }[];
    expect(json.map((t) => t.name)).toContain('web-1');

    expect((await sendBatch(srv.url, token, [makeEvent()])).status).toBe(200);
    const revoked = await runCli(['tokens', 'revoke', 'web-1', '--data', dir]);
    expect(revoked.code).toBe(0);
    const after = await sendBatch(srv.url, token, [makeEvent()]);
    expect(after.status).toBe(401);
    expect((await runCli(['tokens', 'list', '--data', dir])).stdout).toMatch(/web-1.*revoked/);
    const again = await runCli(['tokens', 'revoke', 'web-1', '--data', dir]);
    expect(again.code).toBe(66);
    expect(again.stderr).toContain('already revoked');
  });

  it('rejects a bad scope and a bad name with usage errors (exit 64)', async () => {
    const scope = await runCli([
      'tokens',
      'create',
      '--name',
      'x',
      '--scope',
      'root',
      '--data',
      dir,
    ]);
    expect(scope.code).toBe(64);
    expect(scope.stderr).toContain('--scope "root"');
    const name = await runCli(['tokens', 'create', '--name', 'bad name!', '--data', dir]);
    expect(name.code).toBe(64);
    expect(name.stderr).toContain('bad name!');
  });
});

describe('logwarden search and sources', () => {
  it('prints table, json and ndjson; honours --limit and the query', async () => {
    const token = await createToken(dir, 'app');
    const events = [
      makeEvent({
        'event.name': 'authn_login_fail',
        'user.id': 'mallory',
        message: 'bad password for mallory',
      }),
      makeEvent({ 'event.name': 'authz_fail', 'user.id': 'bob' }),
      makeEvent({
        'event.name': 'authn_login_fail',
        'user.id': 'carol',
        message: 'line\nbreak\u001b[31m',
      }),
    ];
    expect((await sendBatch(srv.url, token, events)).status).toBe(200);

    const table = await runCli(['search', 'name:authn_login_fail source:app', '--data', dir]);
    expect(table.code).toBe(0);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^TIME\s+NAME\s+OUTCOME\s+SOURCE\s+CLIENT\s+USER\s+MESSAGE$/);
    expect(rows).toHaveLength(3);
    expect(table.stdout).toContain('mallory');
    expect(table.stdout).not.toContain('bob');
    expect(table.stdout).not.toMatch(/\u001b/);
    // Columns are aligned: USER starts at the same offset on every row.
    const col = (rows[0] as string).indexOf('USER');
    expect(rows.slice(1).every((r) => /^(mallory|carol)/.test(r.slice(col)))).toBe(true);

    const nd = await runCli([
      'search',
      'name:authn_login_fail source:app',
      '--format',
      'ndjson',
      '--limit',
      '1',
      '--data',
      dir,
    ]);
    const ndLines = nd.stdout.trim().split('\n');
    expect(ndLines).toHaveLength(1);
    expect(JSON.parse(ndLines[0] as string)).toMatchObject({
      source: 'app',
      event: { 'user.id': 'carol' },
    });

    const json = JSON.parse(
      (await runCli(['search', 'user:bob', '--format', 'json', '--data', dir])).stdout,
    ) as {
      event: { 'event.name': string };
    }[];
    expect(json).toHaveLength(1);
    expect(json[0]?.event['event.name']).toBe('authz_fail');

    const none = await runCli(['search', 'user:nobody', '--after', '-1h', '--data', dir]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('no events match');

    const future = await runCli([
      'search',
      '',
      '--after',
      '2999-01-01T00:00:00Z',
      '--format',
      'json',
      '--data',
      dir,
    ]);
    expect(JSON.parse(future.stdout)).toEqual([]);
  });

  it('a bad query names the offending token (exit 65); --format json puts the error in JSON', async () => {
    const r = await runCli(['search', 'status:>>5', '--data', dir]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/^error LW_QUERY_INVALID: /);
    const j = await runCli(['search', 'status:>>5', '--format', 'json', '--data', dir]);
    expect(JSON.parse(j.stderr)).toMatchObject({ error: { code: 'LW_QUERY_INVALID' } });
    const limit = await runCli(['search', '', '--limit', '0', '--data', dir]);
    expect(limit.code).toBe(64);
    expect(limit.stderr).toContain('--limit');
  });

  it('search and sources refuse a data directory that holds no store (exit 66), creating nothing', async () => {
    const empty = path.join(dir, 'not-a-data-dir');
    for (const args of [['search', 'x'], ['sources']]) {
      const r = await runCli([...args, '--data', empty]);
      expect(r.code).toBe(66);
      expect(r.stderr).toContain(`no logwarden data in ${empty}`);
    }
    expect(existsSync(empty)).toBe(false);
  });

  it('sources lists each source with counts, as a table and as JSON', async () => {
    const table = await runCli(['sources', '--data', dir]);
    expect(table.stdout).toMatch(/^SOURCE\s+EVENTS\s+PARSED\s+UNPARSED\s+FIRST SEEN\s+LAST SEEN/);
    expect(table.stdout).toMatch(/\napp\s+3\s/);
    const json = JSON.parse(
      (await runCli(['sources', '--format', 'json', '--data', dir])).stdout,
    ) as {
      source: string;
      events: number;
    }[];
    expect(json.find((s) => s.source === 'app')?.events).toBe(3);
  });
});

describe('logwarden validate, help, usage errors', () => {
  it('validate accepts a good config and names the key of a bad one (exit 78)', async () => {
    const good = path.join(dir, 'good.yaml');
    writeFileSync(good, 'version: 1\nserver:\n  listen: 127.0.0.1:7999\n');
    const ok = await runCli(['validate', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('is valid');
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'version: 1\nserver:\n  max_body_byte: 10\nstorage:\n  synchronous: sometimes\n',
    );
    const r = await runCli(['validate', bad]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`error LW_CONFIG_INVALID: ${bad}: server.max_body_byte`);
    expect(r.stderr).toContain('storage.synchronous');
    const missing = await runCli(['validate', path.join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(66);
    const env = await runCli(['validate', good], { env: { LOGWARDEN_SERVER__MAX_DEPTH: 'deep' } });
    expect(env.code).toBe(78);
    expect(env.stderr).toContain('LOGWARDEN_SERVER__MAX_DEPTH');
  });

  it('serve refuses a bad config before listening', async () => {
    const r = await runCli(['serve', '--data', dir, '--listen', 'nowhere']);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('--listen');
  });

  it('--help teaches with examples; unknown options are usage errors (exit 64)', async () => {
    for (const args of [
      ['--help'],
      ['search', '--help'],
      ['tokens', '--help'],
      ['serve', '--help'],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
    }
    const r = await runCli(['search', '--colour']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^error LW_USAGE: unknown option '--colour'/);
  });
});
