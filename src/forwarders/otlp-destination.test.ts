/**
 * The OTLP/HTTP forwarder against a real HTTP receiver on loopback (test/helpers/http-peer.ts)
 * that refuses the first request (503) to show the retry; the ExportLogsServiceRequest JSON it
 * recorded is checked afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpPeer, type Received } from '../../test/helpers/http-peer.js';
import { waitFor } from '../../test/helpers/wait.js';
import { hashLeaf } from '../ledger/merkle.js';
import { openCursors } from './cursor.js';
import { createForwarder } from './forwarder.js';
import { createOtlpDestination } from './otlp-destination.js';
import { openTestLedger } from './test-ledger.js';

type Attr = { key: string; value: { stringValue?: string; intValue?: string } };
interface Rec {
  timeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: { stringValue: string };
  attributes: Attr[];
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('OTLP/HTTP forwarder (JSON logs)', () => {
  it('posts {endpoint}/v1/logs with the exact bodies and ledger attributes; a 503 is retried', async () => {
    const t = await openTestLedger();
    cleanup.push(() => t.close());
    // The first request is refused (503), the rest accepted; the peer records the requests,
    // the assertions run on the test's side, after the fact.
    const seen: Received[] = [];
    const peer = await startHttpPeer((r) => {
      seen.push(r);
      return seen.length === 1
        ? { status: 503, body: 'busy' }
        : { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    });
    cleanup.push(() => peer.close());
    const recordsIn = (r: Received) => {
      const body = JSON.parse(r.body) as {
        resourceLogs: { resource: { attributes: Attr[] }; scopeLogs: { logRecords: Rec[] }[] }[];
      };
      return body.resourceLogs[0]!;
    };
    const records = () => peer.received.flatMap((r) => recordsIn(r).scopeLogs[0]!.logRecords);
    await t.add(12, { severity: 'CRITICAL' });
    const f = createForwarder({
      name: 'siem-otlp',
      ledger: t.checkpointer.ledger,
      cursors: openCursors(t.store),
      destination: createOtlpDestination({
        endpoint: `${peer.url}/otlp`,
        origin: t.origin,
        headers: { 'x-tenant': 'acme' },
      }),
      batchEntries: 5,
      backoffMinMs: 20,
      backoffMaxMs: 50,
      pollMs: 50,
    });
    f.start();
    cleanup.push(() => f.stop());
    await waitFor(() => records().length >= 12, '12 records at the receiver', 10_000);
    for (const r of seen) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/otlp/v1/logs');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-tenant']).toBe('acme');
    }
    expect(f.stats.errors).toBe(1);
    for (const r of peer.received)
      expect(recordsIn(r).resource.attributes).toContainEqual({
        key: 'logwarden.origin',
        value: { stringValue: t.origin },
      });
    const attr = (r: Rec, k: string) => r.attributes.find((a) => a.key === k)?.value;
    expect(records().map((r) => Number(attr(r, 'logwarden.index')?.intValue))).toEqual(
      Array.from({ length: 12 }, (_, i) => i),
    );
    for (const r of records()) {
      const idx = Number(attr(r, 'logwarden.index')!.intValue);
      const stored = t.store.getBySeq(idx)!;
      expect(r.body.stringValue).toBe(stored.body);
      expect(attr(r, 'logwarden.leaf_hash')?.stringValue).toBe(
        hashLeaf(r.body.stringValue).toString('hex'),
      );
      expect(r.severityNumber).toBe(21);
      expect(r.severityText).toBe('CRITICAL');
      expect(BigInt(r.timeUnixNano) / 1_000_000n).toBe(
        BigInt(Date.parse(JSON.parse(stored.body!).time as string)),
      );
    }
    // The cursor advances after the destination answered, a moment after the last record arrived.
    await waitFor(
      () => openCursors(t.store).get('siem-otlp').next >= 12,
      'the cursor to reach 12',
      5_000,
    );
    expect(openCursors(t.store).get('siem-otlp').next).toBe(12);
  });
});
