/**
 * The OTLP/HTTP forwarder against a real node:http receiver on loopback that checks the
 * ExportLogsServiceRequest JSON; the receiver refuses the first request (503) to show the retry.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
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
    const records: Rec[] = [];
    let requests = 0;
    const server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (d: Buffer) => (data += d.toString()));
      req.on('end', () => {
        requests++;
        expect(req.method).toBe('POST');
        expect(req.url).toBe('/otlp/v1/logs');
        expect(req.headers['content-type']).toBe('application/json');
        expect(req.headers['x-tenant']).toBe('acme');
        if (requests === 1) {
          res.writeHead(503).end('busy');
          return;
        }
        const body = JSON.parse(data) as {
          resourceLogs: { resource: { attributes: Attr[] }; scopeLogs: { logRecords: Rec[] }[] }[];
        };
        const rl = body.resourceLogs[0]!;
        expect(rl.resource.attributes).toContainEqual({
          key: 'logwarden.origin',
          value: { stringValue: t.origin },
        });
        records.push(...rl.scopeLogs[0]!.logRecords);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;
    await t.add(12, { severity: 'CRITICAL' });
    const f = createForwarder({
      name: 'siem-otlp',
      ledger: t.checkpointer.ledger,
      cursors: openCursors(t.store),
      destination: createOtlpDestination({
        endpoint: `http://127.0.0.1:${port}/otlp`,
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
    const end = Date.now() + 10_000;
    while (records.length < 12 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(f.stats.errors).toBe(1);
    const attr = (r: Rec, k: string) => r.attributes.find((a) => a.key === k)?.value;
    expect(records.map((r) => Number(attr(r, 'logwarden.index')?.intValue))).toEqual(
      Array.from({ length: 12 }, (_, i) => i),
    );
    for (const r of records) {
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
    const cursorEnd = Date.now() + 5_000;
    while (openCursors(t.store).get('siem-otlp').next < 12 && Date.now() < cursorEnd)
      await new Promise((r) => setTimeout(r, 10));
    expect(openCursors(t.store).get('siem-otlp').next).toBe(12);
  });
});
