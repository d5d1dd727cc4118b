/**
 * Durability (issue 2): SIGKILL `logwarden serve` while several senders stream NDJSON batches,
 * restart it, and find every acknowledged event exactly once. Events of requests that were not
 * acknowledged may or may not be there (the client must resend them) and resending them stores
 * nothing twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  makeEvent,
  readStored,
  sendBatch,
  startServe,
  tempDir,
} from './helpers.js';

afterAll(() => {
  killAllServes();
  cleanupTemps();
});

describe('crash safety', () => {
  it('every acknowledged event survives SIGKILL mid-stream, exactly once', async () => {
    const dir = tempDir('lw-crash-');
    const token = await createToken(dir, 'crash');
    const srv = await startServe({ dataDir: dir });

    const acked: Record<string, unknown>[][] = [];
    const unacked: Record<string, unknown>[][] = [];
    let inFlight = 0;
    let inFlightAtKill = -1;
    let stop = false;

    const sender = async () => {
      while (!stop) {
        const batch = Array.from({ length: 250 }, () =>
          makeEvent({ 'event.name': 'http_request', 'url.path': '/x' }),
        );
        inFlight++;
        try {
          const r = await sendBatch(srv.url, token, batch);
          if (r.status === 200 && r.body.accepted === batch.length) acked.push(batch);
          else unacked.push(batch);
        } catch {
          unacked.push(batch); // connection reset by the kill: not acknowledged
          stop = true;
        } finally {
          inFlight--;
        }
      }
    };
    const senders = Array.from({ length: 4 }, () => sender());
    // Kill once a good number of batches were acknowledged, while requests are in flight.
    const giveUp = Date.now() + 30_000;
    while (acked.length < 20) {
      if (Date.now() > giveUp || stop) {
        srv.child.kill('SIGKILL');
        throw new Error(
          `only ${acked.length} batches acknowledged before the kill; stderr: ${srv.stderr()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    inFlightAtKill = inFlight;
    srv.child.kill('SIGKILL');
    await srv.exited;
    stop = true;
    await Promise.all(senders);

    expect(inFlightAtKill, 'the kill should land while batches are in flight').toBeGreaterThan(0);
    expect(acked.length).toBeGreaterThanOrEqual(20);

    const after = await startServe({ dataDir: dir });
    try {
      const stored = await readStored(dir);
      const count = new Map<string, number>();
      for (const e of stored) count.set(e.id, (count.get(e.id) ?? 0) + 1);
      stored.forEach((e, i) => expect(e.seq).toBe(i)); // gap-free sequence
      for (const batch of acked)
        for (const e of batch) expect(count.get(e.id as string), `acked ${String(e.id)}`).toBe(1);
      // Resending what was not acknowledged stores each event once, whatever the crash left.
      for (const batch of unacked) {
        const r = await sendBatch(after.url, token, batch);
        expect(r.status).toBe(200);
        expect((r.body.accepted ?? 0) + (r.body.duplicates ?? 0)).toBe(batch.length);
      }
      const all = await readStored(dir);
      // logwarden's own events (ledger heartbeats) share the store; the sender's are the rest.
      const final = all.filter((e) => e.source !== 'logwarden');
      const ids = new Set(final.map((e) => e.id));
      expect(ids.size).toBe(final.length);
      expect(final.length).toBe((acked.length + unacked.length) * 250);
    } finally {
      const { code } = await after.stop();
      expect(code).toBe(0);
    }
  });
});
