import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serialize, deserialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { createLineParser } from '../../parsers/index.js';
import { loadRules, ruleSources } from '../engine/load-rules.js';
import { createSigmaEngine } from '../sigma/engine.js';
import { createLineReader } from './line-ref.js';
import { CARRIED_FIELDS, createStage, valueOf, type RangeWire } from './stage.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-stage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// sshd lines that hit rules (with repeated and distinct addresses and users), a user name with
// non-ASCII characters, lines without hits and a line without a time.
const LINES = [
  'Nov 20 00:00:00 web1 sshd[10001]: Invalid user ubuntu from 183.142.186.60 port 6135',
  'Nov 20 00:00:00 web1 sshd[10002]: pam_unix(sshd:session): session opened for user alice(uid=1001) by (uid=0)',
  'Nov 20 00:00:01 web1 sshd[10004]: Failed password for invalid user admin from 98.30.216.144 port 5339 ssh2',
  'Nov 20 00:00:01 web1 sshd[10005]: Failed password for invalid user admin from 98.30.216.144 port 5340 ssh2',
  'Nov 20 00:00:02 web1 sshd[10006]: Invalid user jürgen€ from 2001:db8::7 port 22',
  'Nov 20 00:00:02 web1 sshd[10006]: Failed password for invalid user jürgen€ from 2001:db8::7 port 22 ssh2',
  'Nov 20 00:00:03 web1 CRON[10007]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
  'not a log line at all',
  'Nov 20 00:00:04 web1 sshd[10008]: Connection closed by authenticating user root 126.26.82.185 port 51633 [preauth]',
  'Nov 20 00:00:05 web1 sshd[10009]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=213.80.215.97  user=root',
];

/** What the stage must report, computed the plain way: parse, matchRules, feedValues. */
function expected(lines: readonly string[], ctx: { now: number; source: string }): unknown[] {
  const { rules } = loadRules({ builtin: true, dirs: [] });
  const sigma = createSigmaEngine({ rules });
  const parser = createLineParser('auto', { sample: lines });
  const recs: unknown[] = [];
  lines.forEach((line, i) => {
    const ev = parser.parse(line, ctx) as Record<string, unknown>;
    if (!Number.isFinite(Date.parse(String(ev.time)))) return;
    const hits: unknown[] = [];
    let n = 0;
    sigma.matchRules(ev, (rule, view) => {
      const values = sigma.feedValues(rule, view);
      hits.push(rule, values.length, ...values);
      n++;
    });
    if (n > 0) recs.push(i, n, ...hits, line, ...CARRIED_FIELDS.map((f) => ev[f]), 0);
  });
  return recs;
}

describe('scan stage', () => {
  it('reports, through RangeWire, what parse + matchRules + feedValues give', () => {
    const file = path.join(dir, 'auth.log');
    writeFileSync(file, LINES.join('\n') + '\n');
    const ctx = { now: Date.parse('2026-11-27T12:00:00Z'), source: `file:${file}` };
    const stage = createStage({
      sources: ruleSources(loadRules({ builtin: true, dirs: [] }).rules),
      patterns: true,
    });
    stage.setFile({ file, logFormat: 'auto', sample: LINES, ctx });
    const size = statSync(file).size;
    // Two ranges, and the result through a structured clone as between threads.
    const cut = LINES.slice(0, 5).join('\n').length + 1;
    const parts: RangeWire[] = [
      deserialize(serialize(stage.run(0, 0, cut))) as RangeWire,
      deserialize(serialize(stage.run(1, cut, size))) as RangeWire,
    ];
    expect(parts.map((p) => p.lines)).toEqual([5, 5]);
    // The records, decoded as the ordered stage reads them, with each line read back from the
    // file (line indexes are per range: made file-wide for the comparison).
    const reader = createLineReader(file);
    const recs: unknown[] = [];
    for (const [k, p] of parts.entries()) {
      const r = p.recs;
      const value = (c: number): unknown => valueOf(c, p.strs, p.extra);
      let at = 0;
      while (at < r.length) {
        const hits = r[at + 1]!;
        recs.push(r[at]! + k * 5, hits);
        let q = at + 2;
        for (let h = 0; h < hits; h++) {
          recs.push(r[q], r[q + 1], ...Array.from(r.subarray(q + 2, q + 2 + r[q + 1]!), value));
          q += 2 + r[q + 1]!;
        }
        recs.push(reader.read(p.start + r[q]!, r[q + 1]!, r[q + 2]!));
        q += 3;
        recs.push(...Array.from(r.subarray(q, q + CARRIED_FIELDS.length), value));
        q += CARRIED_FIELDS.length;
        recs.push(r[q]! < 0 ? 0 : p.extra[r[q]!]);
        at = q + 1;
      }
    }
    const want = expected(LINES, ctx);
    expect(want.length).toBeGreaterThan(40); // the lines do hit rules
    expect(recs).toEqual(want);
    expect(recs).toContain(
      'Nov 20 00:00:02 web1 sshd[10006]: Invalid user jürgen€ from 2001:db8::7 port 22',
    );
    // A line whose bytes changed since is refused.
    const first = parts[0]!.recs;
    let q = 2;
    for (let h = 0; h < first[1]!; h++) q += 2 + first[q + 1]!;
    writeFileSync(file, LINES.join('\n').replace('ubuntu', 'ubuntU') + '\n');
    expect(() => reader.read(parts[0]!.start + first[q]!, first[q + 1]!, first[q + 2]!)).toThrow(
      /changed while it was scanned/,
    );
    expect(Array.from(parts[1]!.times).map((t) => Number.isNaN(t))).toEqual([
      false,
      false,
      true,
      false,
      false,
    ]);
  });
});
