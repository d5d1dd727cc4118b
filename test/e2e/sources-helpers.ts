/**
 * Helpers shared by the sources e2e suites (syslog, OTLP, files): a config file for `serve`,
 * reading its JSON log lines, stored events, metrics. (Waiting on a condition: ../helpers/wait.ts.)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { readStored, type ServeProcess } from './helpers.js';

/** Write a config file (JSON is YAML) and return its path. */
export function writeConfig(dir: string, config: Record<string, unknown>): string {
  const file = path.join(dir, 'logwarden.yaml');
  writeFileSync(file, JSON.stringify({ version: 1, ...config }, null, 2));
  return file;
}

/** serve's JSON log lines on stderr (pino), parsed. */
export function logLines(srv: ServeProcess): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of srv.stderr().split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial line still being written
    }
  }
  return out;
}

export interface StoredBody {
  seq: number;
  id: string;
  source: string;
  event: Record<string, unknown>;
}

/** Every stored event with its body parsed. */
export async function storedEvents(dataDir: string): Promise<StoredBody[]> {
  return (await readStored(dataDir)).map((r) => ({
    seq: r.seq,
    id: r.id,
    source: r.source,
    event: JSON.parse(r.body ?? '{}') as Record<string, unknown>,
  }));
}

export async function getJson(url: string, token: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** The value of one Prometheus sample, e.g. metric(text, 'x_total', { source: 'a' }); 0 when absent. */
export function metric(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    const ok = Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

export async function metricsText(url: string, token: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  return res.text();
}
