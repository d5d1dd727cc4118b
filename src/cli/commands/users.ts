import { createInterface } from 'node:readline';
import type Database from 'better-sqlite3';
import type { Command } from 'commander';
import { LogwardenError } from '../../core/errors.js';
import { openDataDir } from '../../server/data-dir.js';
import { queueAuditEvent } from '../../server/dashboard/audit-outbox.js';
import { DASHBOARD_MIGRATIONS } from '../../server/dashboard/migrations.js';
import { createSessionStore } from '../../server/dashboard/session-store.js';
import {
  checkRole,
  createUserStore,
  generatePassword,
  ROLES,
  type UserInfo,
  type UserStore,
} from '../../server/dashboard/user-store.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';
import { parseFormat, writeRows } from '../output.js';

type Db = ReturnType<typeof openDataDir>['store'] & {
  db: Database.Database;
  migrate(ns: string, s: string[]): number;
};

async function withUsers<T>(
  opts: CommonOptions,
  io: CliIO,
  fn: (u: UserStore, db: Db) => Promise<T> | T,
): Promise<T> {
  const config = commandConfig(opts, io);
  const { store } = openDataDir(config.storage.path, config.storage.synchronous);
  const s = store as Db;
  try {
    s.migrate('dashboard', [...DASHBOARD_MIGRATIONS]);
    return await fn(createUserStore(s.db), s);
  } finally {
    await store.close();
  }
}

/** Read the whole of stdin (for --password-stdin), without its final newline. */
async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** Prompt on the terminal without echoing what is typed. */
function prompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    let asked = false;
    out._writeToOutput = (s: string) => {
      if (!asked) process.stderr.write(s);
      asked = true;
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** The password: from stdin with --password-stdin, a prompt on a terminal, else generated. */
async function obtainPassword(
  opts: { passwordStdin?: boolean },
  io: CliIO,
): Promise<{ password: string; generated: boolean }> {
  if (opts.passwordStdin) {
    const password = await readStdin();
    if (password === '') throw new LogwardenError('LW_USAGE', '--password-stdin: stdin was empty');
    return { password, generated: false };
  }
  if (process.stdin.isTTY) {
    const a = await prompt('Password (empty to generate one): ');
    if (a === '') return { password: generatePassword(), generated: true };
    const b = await prompt('Repeat the password: ');
    if (a !== b) throw new LogwardenError('LW_USAGE', 'the two passwords differ');
    return { password: a, generated: false };
  }
  io.err('no terminal and no --password-stdin: generating a password\n');
  return { password: generatePassword(), generated: true };
}

const iso = (ms: number | null) =>
  ms === null ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const userJson = (u: UserInfo) => ({
  name: u.name,
  role: u.role,
  created: iso(u.createdMs),
  password_changed: iso(u.passwordChangedMs),
  locked_until: u.lockedUntilMs === null ? null : iso(u.lockedUntilMs),
});

/** `logwarden users create|list|reset|role`: local dashboard users (scrypt-hashed passwords). */
export function registerUsers(program: Command, io: CliIO): void {
  const users = program
    .command('users')
    .description('Create, list and reset dashboard users (roles: viewer, reviewer, admin).')
    .addHelpText(
      'after',
      `
Passwords are never taken as arguments: they come from a prompt, from stdin
(--password-stdin), or are generated and printed once.

Examples:
  $ logwarden users create ana --role admin              # prompts for the password
  $ printf '%s' "$PW" | logwarden users create bo --role reviewer --password-stdin
  $ logwarden users create cy --role viewer < /dev/null  # prints a generated password
  $ logwarden users list
  $ logwarden users reset bo                              # new password, unlocks, ends sessions
  $ logwarden users role bo admin`,
    );

  withCommonOptions(
    users
      .command('create')
      .description('Create a user; prints the password only when it was generated.')
      .argument('<name>')
      .option('--role <role>', `role: ${ROLES.join('|')}`, 'viewer')
      .option('--password-stdin', 'read the password from stdin'),
  ).action(
    async (name: string, opts: CommonOptions & { role: string; passwordStdin?: boolean }) => {
      const role = checkRole(opts.role);
      const { password, generated } = await obtainPassword(opts, io);
      const u = await withUsers(opts, io, async (store, db) => {
        const created = await store.create(name, role, password);
        queueAuditEvent(db.db, {
          'event.name': 'authz_admin',
          'user.id': process.env.USER ?? 'cli',
          'event.action': 'user_create',
          message: `logwarden users create ${name} --role ${role} (CLI)`,
        });
        return created;
      });
      if (generated) io.out(password + '\n');
      io.err(
        `created dashboard user "${u.name}" (role ${u.role})${generated ? '; the password above is not shown again' : ''}\n`,
      );
    },
  );

  withCommonOptions(
    users
      .command('list')
      .description('List users (names, roles, lock state; never password hashes).'),
    {
      format: ['table', 'json', 'ndjson'],
    },
  ).action(async (opts: CommonOptions) => {
    const format = parseFormat(opts.format);
    const list = await withUsers(opts, io, (u) => u.list());
    writeRows(io, list, {
      format,
      json: userJson,
      empty: 'no dashboard users (create one with: logwarden users create NAME --role admin)',
      columns: [
        { header: 'NAME', get: (u) => u.name },
        { header: 'ROLE', get: (u) => u.role },
        { header: 'CREATED', get: (u) => iso(u.createdMs) },
        { header: 'PASSWORD SET', get: (u) => iso(u.passwordChangedMs) },
        {
          header: 'STATUS',
          get: (u) =>
            u.lockedUntilMs !== null && u.lockedUntilMs > Date.now()
              ? `locked until ${iso(u.lockedUntilMs)}`
              : 'active',
        },
      ],
    });
  });

  withCommonOptions(
    users
      .command('reset')
      .description(
        "Set a new password (prompted, stdin or generated), lift a lockout and end the user's sessions.",
      )
      .argument('<name>')
      .option('--password-stdin', 'read the password from stdin'),
  ).action(async (name: string, opts: CommonOptions & { passwordStdin?: boolean }) => {
    await withUsers(opts, io, (u) => {
      if (!u.get(name))
        throw new LogwardenError(
          'LW_NOT_FOUND',
          `no dashboard user named "${name}" (see: logwarden users list)`,
        );
    });
    const { password, generated } = await obtainPassword(opts, io);
    await withUsers(opts, io, async (store, db) => {
      await store.resetPassword(name, password);
      createSessionStore(db.db, { idleMs: 1, absoluteMs: 1 }).endAll(name);
      queueAuditEvent(db.db, {
        'event.name': 'authz_admin',
        'user.id': process.env.USER ?? 'cli',
        'event.action': 'user_password_reset',
        message: `logwarden users reset ${name} (CLI)`,
      });
    });
    if (generated) io.out(password + '\n');
    io.err(
      `reset the password of "${name}"; their sessions ended${generated ? '; the password above is not shown again' : ''}\n`,
    );
  });

  withCommonOptions(
    users
      .command('role')
      .description("Change a user's role (takes effect on their next request).")
      .argument('<name>')
      .argument('<role>', ROLES.join('|')),
  ).action(async (name: string, role: string, opts: CommonOptions) => {
    const r = checkRole(role);
    const before = await withUsers(opts, io, (u, db) => {
      const b = u.get(name);
      if (!b)
        throw new LogwardenError(
          'LW_NOT_FOUND',
          `no dashboard user named "${name}" (see: logwarden users list)`,
        );
      u.setRole(name, r);
      queueAuditEvent(db.db, {
        'event.name': 'authz_change',
        'user.id': name,
        attributes: { from: b.role, to: r, by: 'cli' },
        message: `role of ${name} changed from ${b.role} to ${r} (CLI)`,
      });
      return b;
    });
    io.err(`"${name}": ${before.role} -> ${r}\n`);
  });
}
