// Shared helpers for benchmarks that run the real `logwarden serve` (compiled dist/, or the
// build LOGWARDEN_BENCH_DIST names: bench/lib/dist.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { CLI } from './dist.mjs';

export { CLI };

export function assertBuilt() {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run \`npm run build\` first`);
}

/** `logwarden tokens create` and return the token. */
export function createToken(dataDir, name, scope = 'ingest') {
  const r = spawnSync(
    process.execPath,
    [CLI, 'tokens', 'create', '--name', name, '--scope', scope, '--data', dataDir],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`tokens create failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Start `serve` on an ephemeral loopback port; resolves to { url, pid, stop() }. */
export function startServe(dataDir, env = {}) {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--listen', '127.0.0.1:0', '--data', dataDir],
    {
      env: { ...process.env, LOGWARDEN_SERVER__LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  // The server's own log lines (warnings and errors only) go to our stderr, prefixed.
  child.stderr.setEncoding('utf8').on('data', (d) => process.stderr.write(`[serve] ${d}`));
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (m) {
        resolve({
          url: m[1],
          pid: child.pid,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    exited.then(({ code }) => reject(new Error(`serve exited early (${code}): ${out}`)));
  });
}

/** Resident set size in bytes (Linux). */
export function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Sample a process's RSS every `ms`; call the returned function to stop and get the peak. */
export function sampleRss(pid, ms = 20) {
  let peak = rssBytes(pid);
  const t = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), ms);
  return () => {
    clearInterval(t);
    return peak;
  };
}
