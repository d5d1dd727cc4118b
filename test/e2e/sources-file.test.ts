/**
 * A tailed file configured in the YAML of a real `logwarden serve` (issue 3): lines are written
 * continuously while the file is rotated by rename and by copytruncate, and serve is SIGKILLed
 * and restarted in the middle; every line is stored exactly once (the ids derive from the file
 * identity and the line's offset, so what is read again after the restart is a duplicate).
 */
import { appendFileSync, copyFileSync, mkdirSync, renameSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, killAllServes, startServe, tempDir, type ServeProcess } from './helpers.js';
import { waitFor } from '../helpers/wait.js';
import { storedEvents, writeConfig } from './sources-helpers.js';

afterAll(() => {
  killAllServes();
  cleanupTemps();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('file source in serve', () => {
  it('follows rename and copytruncate rotation while lines are written, across a SIGKILL, each line once', async () => {
    const dir = tempDir('lw-files-');
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    const file = path.join(logs, 'auth.log');
    const config = writeConfig(dir, {
      sources: { files: [{ paths: [file], format: 'auto', poll_ms: 40 }] },
      detection: { enabled: false },
    });
    const TOTAL = 400;
    const line = (n: number) =>
      `Nov 27 09:${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')} web1 sshd[${n}]: Failed password for user${n} from 203.0.113.${n % 250} port ${40000 + n} ssh2\n`;

    let srv: ServeProcess = await startServe({ dataDir: dir, args: ['--config', config] });
    const rotations: string[] = [];
    let written = 0;
    let restarted = false;
    const writer = (async () => {
      for (let n = 1; n <= TOTAL; n++) {
        appendFileSync(file, line(n));
        written = n;
        if (n === 80) {
          renameSync(file, `${file}.1`); // logrotate's default: the writer reopens its path
          rotations.push('rename');
        }
        if (n === 260) {
          // Rotations while serve runs (rotation while it is down is covered in tailer.test.ts).
          await waitFor(() => restarted, 'serve to be back');
          copyFileSync(file, `${file}.2`); // logrotate copytruncate
          truncateSync(file, 0);
          rotations.push('copytruncate');
        }
        if (n % 2 === 0) await sleep(5);
      }
    })();

    // Kill serve without warning while lines keep coming, between the two rotations.
    await waitFor(() => written >= 160, 'the writer to reach line 160');
    await waitFor(
      async () => (await storedEvents(dir)).length >= 100,
      'some lines stored before the kill',
    );
    srv.child.kill('SIGKILL');
    await srv.exited;
    // A sleep on purpose: serve stays down a while as the writer goes on, so lines are appended
    // while nothing reads them (the writer may already be parked at line 260 until the restart).
    await sleep(200);
    srv = await startServe({ dataDir: dir, args: ['--config', config] });
    restarted = true;
    await writer;
    expect(rotations).toEqual(['rename', 'copytruncate']);

    // The line number is the sshd pid of each line.
    const seqOf = (m: unknown) => Number(/sshd\[(\d+)\]/.exec(String(m))?.[1]);
    const stored = await waitFor(
      async () => {
        const evs = (await storedEvents(dir)).filter((e) => e.source === `file:${file}`);
        return new Set(evs.map((e) => seqOf(e.event['log.original']))).size >= TOTAL
          ? evs
          : undefined;
      },
      `all ${TOTAL} lines stored`,
      20_000,
    ).catch(async (e: Error) => {
      const have = new Set(
        (await storedEvents(dir))
          .filter((ev) => ev.source === `file:${file}`)
          .map((ev) => seqOf(ev.event['log.original'])),
      );
      const missing = Array.from({ length: TOTAL }, (_, i) => i + 1).filter((n) => !have.has(n));
      throw new Error(`${e.message}: missing lines ${missing.join(',')}\n${srv.stderr()}`);
    });
    await sleep(500); // a late duplicate would show up now
    const final = (await storedEvents(dir)).filter((e) => e.source === `file:${file}`);
    await srv.stop();
    expect(final.length).toBe(stored.length);
    const seqs = final.map((e) => seqOf(e.event['log.original'])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(new Set(final.map((e) => e.id)).size).toBe(TOTAL);
    const ev = final.find((e) => seqOf(e.event['log.original']) === 7)!.event;
    expect(ev).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'user7',
      'client.address': '203.0.113.7',
      'client.port': 40007,
      'log.source': `file:${file}`,
    });
  }, 90_000);
});
