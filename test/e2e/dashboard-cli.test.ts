/**
 * `logwarden users` as a real process: passwords from stdin or generated (never an argument),
 * listing without secrets, clear errors for bad input, reset that makes the old password useless,
 * and the CLI's admin actions stored as authz_admin events once a server runs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  runCli,
  startServe,
  tempDir,
} from './helpers.js';

afterAll(() => {
  killAllServes();
  cleanupTemps();
});

const login = (url: string, user: string, password: string) =>
  fetch(`${url}/ui/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  }).then((r) => r.status);

describe('logwarden users', () => {
  it('creates, lists and resets users; refuses bad input with named errors', async () => {
    const dir = tempDir('lw-users-');
    const made = await runCli(
      ['users', 'create', 'ana', '--role', 'reviewer', '--password-stdin', '--data', dir],
      { input: 'ana passphrase 1\n' },
    );
    expect(made.code).toBe(0);
    expect(made.stdout).toBe(''); // a given password is never echoed
    expect(made.stderr).toMatch(/created dashboard user "ana" \(role reviewer\)/);
    // No terminal and no --password-stdin: a generated password, printed once on stdout.
    const gen = await runCli(['users', 'create', 'bo', '--data', dir]);
    expect(gen.code).toBe(0);
    const generated = gen.stdout.trim();
    expect(generated).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(
      (await runCli(['users', 'create', 'cy', 'passwordArgument', '--data', dir])).code,
    ).not.toBe(0);
    const short = await runCli(['users', 'create', 'cy', '--password-stdin', '--data', dir], {
      input: 'short',
    });
    expect(short.code).toBe(64);
    expect(short.stderr).toMatch(/password: at least 12 characters/);
    const role = await runCli(['users', 'create', 'cy', '--role', 'root', '--data', dir]);
    expect(role.stderr).toMatch(/role "root": expected one of viewer, reviewer, admin/);
    const dup = await runCli(['users', 'create', 'ana', '--password-stdin', '--data', dir], {
      input: 'another passphrase',
    });
    expect(dup.code).toBe(65);
    const list = await runCli(['users', 'list', '--format', 'json', '--data', dir]);
    const users = JSON.parse(list.stdout) as { name: string; role: string }[];
    expect(users.map((u) => [u.name, u.role])).toEqual([
      ['ana', 'reviewer'],
      ['bo', 'viewer'],
    ]);
    expect(list.stdout).not.toMatch(/hash|salt|passphrase/);
    expect((await runCli(['users', 'reset', 'nobody', '--data', dir])).stderr).toMatch(
      /no dashboard user named "nobody"/,
    );
    expect((await runCli(['users', 'role', 'bo', 'admin', '--data', dir])).code).toBe(0);

    const reader = await createToken(dir, 'auditor', 'read');
    const srv = await startServe({ dataDir: dir });
    expect(await login(srv.url, 'bo', generated)).toBe(200);
    expect(await login(srv.url, 'ana', 'ana passphrase 1')).toBe(200);
    const reset = await runCli(['users', 'reset', 'ana', '--password-stdin', '--data', dir], {
      input: 'ana passphrase 2',
    });
    expect(reset.code).toBe(0);
    expect(await login(srv.url, 'ana', 'ana passphrase 1')).toBe(401);
    expect(await login(srv.url, 'ana', 'ana passphrase 2')).toBe(200);
    // The CLI's admin actions were queued and stored by the server as events (at its start).
    const r = await fetch(
      `${srv.url}/v1/events?q=${encodeURIComponent('source:dashboard (name:authz_admin OR name:authz_change)')}`,
      { headers: { authorization: `Bearer ${reader}` } },
    );
    const events = ((await r.json()) as { events: { event: Record<string, unknown> }[] }).events;
    const actions = events.map((e) => e.event['event.action'] ?? e.event['event.name']).sort();
    expect(actions).toEqual(['authz_change', 'user_create', 'user_create']);
    await srv.stop();
  }, 90_000);
});
