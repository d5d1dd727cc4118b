/**
 * Runs the example app (examples/app/server.mjs, which imports the compiled SDK) as a child
 * process for the SDK end-to-end suites, plus a tiny cookie-keeping HTTP client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './helpers.js';

export const EXAMPLE_APP = path.join(repoRoot, 'examples/app/server.mjs');

export interface AppProcess {
  readonly url: string;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();

export function startExampleApp(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<AppProcess> {
  const child = spawn(process.execPath, [EXAMPLE_APP, '--port', '0', '--quiet', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`example app did not start.\nstdout: ${out}\nstderr: ${err}`));
    }, 20_000);
    const onData = (): void => {
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({
        url: m[1]!,
        pid: child.pid!,
        stdout: () => out,
        stderr: () => err,
        stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(`example app exited (${code}) before listening.\nstdout: ${out}\nstderr: ${err}`),
      );
    });
  });
}

export function killAllApps(): void {
  for (const c of running) c.kill('SIGKILL');
}

/** A client that keeps the session cookie, like a browser would. */
export function browser(base: string, userAgent: string) {
  let cookie = '';
  return async (
    method: string,
    p: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: unknown; requestId: string | null }> => {
    const h: Record<string, string> = { 'user-agent': userAgent, ...headers };
    if (cookie) h.cookie = cookie;
    let payload: string | Buffer | undefined;
    if (Buffer.isBuffer(body)) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(base + p, { method, headers: h, body: payload });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, json, requestId: res.headers.get('x-request-id') };
  };
}
