/**
 * Shared helpers for end-to-end tests: they run the compiled CLI (`dist/`, built by `npm test`)
 * as real child processes on ephemeral loopback ports, with temp data directories.
 *
 * @example
 * const dir = tempDir('lw-e2e-');
 * const token = await createToken(dir, 'web');
 * const srv = await startServe({ dataDir: dir });
 * const r = await sendBatch(srv.url, token, [makeEvent()]);
 * await srv.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(repoRoot, 'dist/cli/main.js');

/** Fail loudly (not skip) when dist/ is missing: `npm test` builds it first. */
export function assertBuilt(): void {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does) before e2e tests`);
}

const temps: string[] = [];

/** A fresh temp directory, removed by `cleanupTemps()`. */
export function tempDir(prefix = 'lw-e2e-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function cleanupTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `logwarden ARGS...` to completion. */
export function runCli(
  args: readonly string[],
  opts: { env?: Record<string, string>; input?: string } = {},
): Promise<CliResult> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Create a token with the CLI and return it (the one line it prints on stdout). */
export async function createToken(
  dataDir: string,
  name: string,
  scope = 'ingest',
): Promise<string> {
  const r = await runCli(['tokens', 'create', '--name', name, '--scope', scope, '--data', dataDir]);
  if (r.code !== 0) throw new Error(`tokens create failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolve once stdout matches `pattern` (output arrives in chunks after the listening line). */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Send a signal and wait for the exit; resolves to the exit code (null when killed). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/**
 * Start `logwarden serve --listen 127.0.0.1:0 --data DIR` and wait for its
 * `listening on http://...` line.
 */
export function startServe(opts: {
  dataDir: string;
  args?: readonly string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<ServeProcess> {
  assertBuilt();
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--listen', '127.0.0.1:0', '--data', opts.dataDir, ...(opts.args ?? [])],
    {
      env: { ...process.env, LOGWARDEN_SERVER__LOG_LEVEL: 'warn', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `serve did not print its listening line in time.\nstdout: ${out}\nstderr: ${err}`,
        ),
      );
    }, opts.timeoutMs ?? 20_000);
    const onData = () => {
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({
        child,
        pid: child.pid as number,
        url: m[1] as string,
        stdout: () => out,
        stderr: () => err,
        waitForStdout: (pattern, timeoutMs = 10_000) =>
          new Promise<string>((ok, fail) => {
            const check = () => {
              if (!pattern.test(out)) return false;
              clearTimeout(t);
              child.stdout.off('data', check);
              ok(out);
              return true;
            };
            const t = setTimeout(() => {
              child.stdout.off('data', check);
              fail(new Error(`stdout never matched ${pattern}: ${out}`));
            }, timeoutMs);
            if (!check()) child.stdout.on('data', check);
          }),
        exited,
        stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `serve exited (${code ?? signal}) before listening.\nstdout: ${out}\nstderr: ${err}`,
        ),
      );
    });
  });
}

/** SIGKILL every serve process still running (afterAll safety net). */
export function killAllServes(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** A valid event with a fresh UUID id (the dedup key). */
export function makeEvent(extra: Record<string, unknown> = {}, padTo = 0): Record<string, unknown> {
  const e: Record<string, unknown> = {
    id: randomUUID(),
    time: new Date().toISOString(),
    'event.name': 'authn_login_fail',
    'user.id': 'alice',
    'client.address': '203.0.113.9',
    ...extra,
  };
  if (padTo > 0) {
    const size = Buffer.byteLength(JSON.stringify(e));
    if (size < padTo) e.message = 'x'.repeat(padTo - size - 14);
  }
  return e;
}

export function ndjson(items: readonly unknown[]): string {
  return items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join('\n') + '\n';
}

export interface BatchAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    accepted?: number;
    duplicates?: number;
    rejected?: number;
    errors?: { index: number; line?: number; field: string; reason: string }[];
    code?: string;
    message?: string;
  };
}

/**
 * POST /v1/events. `body` is events (sent as NDJSON unless `contentType` says JSON) or raw bytes.
 */
export async function sendBatch(
  url: string,
  token: string | undefined,
  body: readonly unknown[] | string | Buffer,
  opts: { contentType?: string; gzip?: boolean; headers?: Record<string, string> } = {},
): Promise<BatchAnswer> {
  const contentType = opts.contentType ?? 'application/x-ndjson';
  let payload: Buffer =
    typeof body === 'string'
      ? Buffer.from(body)
      : Buffer.isBuffer(body)
        ? body
        : Buffer.from(contentType === 'application/json' ? JSON.stringify(body) : ndjson(body));
  const headers: Record<string, string> = { 'content-type': contentType, ...opts.headers };
  if (opts.gzip) {
    payload = gzipSync(payload);
    headers['content-encoding'] = 'gzip';
  }
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/v1/events`, { method: 'POST', headers, body: payload });
  const text = await res.text();
  let parsed: BatchAnswer['body'] = {};
  try {
    parsed = JSON.parse(text) as BatchAnswer['body'];
  } catch {
    parsed = { message: text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Every stored event of a data directory, read with the store's own reader (read-only). */
export async function readStored(
  dataDir: string,
): Promise<{ seq: number; id: string; source: string; body: string | null }[]> {
  const mod = (await import(path.join(repoRoot, 'dist/storage/sqlite/index.js'))) as {
    openSqliteStore: (o: { path: string; readonly?: boolean }) => {
      size(): number;
      range(
        a: number,
        b: number,
      ): { seq: number; id: string; source: string; body: string | null }[];
      close(): Promise<void>;
    };
  };
  const store = mod.openSqliteStore({ path: path.join(dataDir, 'logwarden.db'), readonly: true });
  try {
    return store.range(0, store.size());
  } finally {
    await store.close();
  }
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
