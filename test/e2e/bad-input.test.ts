/**
 * Each bad-input case of issue 2 against a real `logwarden serve`: the bad item (or request) is
 * refused with a clear error, and the valid events around it are stored.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  makeEvent,
  ndjson,
  readStored,
  sendBatch,
  startServe,
  tempDir,
  type ServeProcess,
} from './helpers.js';

let dir: string;
let srv: ServeProcess;
let ingest: string;
let reader: string;

const LIMITS = {
  LOGWARDEN_SERVER__MAX_BODY_BYTES: '65536',
  LOGWARDEN_SERVER__MAX_ITEM_BYTES: '4096',
  LOGWARDEN_SERVER__MAX_FIELDS: '20',
  LOGWARDEN_SERVER__MAX_DEPTH: '4',
  LOGWARDEN_SERVER__MAX_BATCH_ITEMS: '50',
};

beforeAll(async () => {
  dir = tempDir('lw-bad-');
  ingest = await createToken(dir, 'web');
  reader = await createToken(dir, 'reader', 'read');
  srv = await startServe({ dataDir: dir, env: LIMITS });
});

afterAll(async () => {
  await srv?.stop();
  killAllServes();
  cleanupTemps();
});

async function storedIds(): Promise<Map<string, string | null>> {
  return new Map((await readStored(dir)).map((e) => [e.id, e.body]));
}

/** Assert that these events are stored once each, and these ids are not. */
async function expectStored(
  good: readonly Record<string, unknown>[],
  absent: readonly unknown[] = [],
): Promise<void> {
  const ids = await storedIds();
  for (const e of good)
    expect(ids.has(e.id as string), `event ${String(e.id)} should be stored`).toBe(true);
  for (const id of absent)
    expect(ids.has(id as string), `event ${String(id)} must not be stored`).toBe(false);
}

describe('bad input never loses the valid data around it', () => {
  it('malformed JSON array: 400 naming the byte position; the requests around it are stored', async () => {
    const before = makeEvent();
    expect((await sendBatch(srv.url, ingest, [before])).status).toBe(200);
    const hidden = makeEvent();
    const text = `[${JSON.stringify(hidden)}, {"event.name": "log", oops}]`;
    const r = await sendBatch(srv.url, ingest, text, { contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('LW_BODY_MALFORMED');
    expect(r.body.message).toMatch(/malformed JSON at byte \d+/);
    const pos = Number(/byte (\d+)/.exec(r.body.message as string)?.[1]);
    expect(text.slice(pos, pos + 4)).toBe('oops');
    const after = makeEvent();
    expect(
      (await sendBatch(srv.url, ingest, [after], { contentType: 'application/json' })).status,
    ).toBe(200);
    await expectStored([before, after], [hidden.id]);
  });

  it('NDJSON with one bad line: 207, that line reported by index, the others stored', async () => {
    const a = makeEvent();
    const b = makeEvent();
    const r = await sendBatch(
      srv.url,
      ingest,
      '\n' + ndjson([a, '{"event.name": "log", broken', b]),
    );
    expect(r.status).toBe(207);
    expect(r.body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 1 });
    expect(r.body.errors?.[0]).toMatchObject({ index: 1, line: 3 });
    expect(r.body.errors?.[0]?.reason).toMatch(/malformed JSON/);
    await expectStored([a, b]);
  });

  it('huge body: 413 naming server.max_body_bytes; nothing of it stored, neighbours stored', async () => {
    const big = Array.from({ length: 40 }, () => makeEvent({}, 2000));
    const r = await sendBatch(srv.url, ingest, big);
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('LW_BODY_TOO_LARGE');
    expect(r.body.message).toContain('server.max_body_bytes');
    expect(r.body.message).toContain('65536');
    const after = makeEvent();
    expect((await sendBatch(srv.url, ingest, [after])).status).toBe(200);
    await expectStored(
      [after],
      big.map((e) => e.id),
    );
  });

  it('huge item: that item rejected naming server.max_item_bytes, the others stored; alone it is 413', async () => {
    const a = makeEvent();
    const huge = makeEvent({}, 6000);
    const b = makeEvent();
    const r = await sendBatch(srv.url, ingest, [a, huge, b]);
    expect(r.status).toBe(207);
    expect(r.body.errors?.[0]?.index).toBe(1);
    expect(r.body.errors?.[0]?.reason).toContain('server.max_item_bytes');
    await expectStored([a, b], [huge.id]);
    const alone = await sendBatch(srv.url, ingest, [makeEvent({}, 6000)], {
      contentType: 'application/json',
    });
    expect(alone.status).toBe(413);
    expect(alone.body.errors?.[0]?.reason).toContain('4096');
  });

  it('too many items in one batch: 413 naming server.max_batch_items', async () => {
    const many = Array.from({ length: 51 }, () => makeEvent());
    const r = await sendBatch(srv.url, ingest, many);
    expect(r.status).toBe(413);
    expect(r.body.message).toContain('server.max_batch_items (50)');
    await expectStored(
      [],
      many.map((e) => e.id),
    );
  });

  it('binary garbage line: rejected alone; gzip garbage: 400; gzip bomb: 413; real gzip: stored', async () => {
    const a = makeEvent();
    const b = makeEvent();
    const garbage = Buffer.from([0x00, 0x9f, 0x92, 0x96, 0xfe, 0x01, 0x02]);
    const body = Buffer.concat([
      Buffer.from(JSON.stringify(a) + '\n'),
      garbage,
      Buffer.from('\n' + JSON.stringify(b) + '\n'),
    ]);
    const r = await sendBatch(srv.url, ingest, body);
    expect(r.status).toBe(207);
    expect(r.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(r.body.errors?.[0]?.index).toBe(1);

    const notGzip = await sendBatch(srv.url, ingest, 'definitely not gzip', {
      headers: { 'content-encoding': 'gzip' },
    });
    expect(notGzip.status).toBe(400);
    expect(notGzip.body.code).toBe('LW_BODY_MALFORMED');
    expect(notGzip.body.message).toMatch(/gzip/);

    // 2 MB of newlines compresses to about 2 KB: under the 64 KiB cap compressed, far over it expanded.
    const bomb = gzipSync(Buffer.alloc(2_000_000, 0x0a));
    expect(bomb.length).toBeLessThan(65536);
    const bombed = await sendBatch(srv.url, ingest, bomb, {
      headers: { 'content-encoding': 'gzip' },
    });
    expect(bombed.status).toBe(413);
    expect(bombed.body.message).toMatch(/decompressed.*server\.max_body_bytes/);

    const c = makeEvent();
    const zipped = await sendBatch(srv.url, ingest, [c], { gzip: true });
    expect(zipped.status).toBe(200);
    await expectStored([a, b, c]);
  });

  it('invalid UTF-8: the NDJSON line is rejected naming UTF-8; a JSON body is a 400', async () => {
    const a = makeEvent();
    const b = makeEvent();
    const bad = Buffer.concat([
      Buffer.from('{"event.name":"log","message":"caf'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const body = Buffer.concat([
      Buffer.from(JSON.stringify(a) + '\n'),
      bad,
      Buffer.from('\n' + JSON.stringify(b)),
    ]);
    const r = await sendBatch(srv.url, ingest, body);
    expect(r.status).toBe(207);
    expect(r.body.errors?.[0]).toMatchObject({ index: 1 });
    expect(r.body.errors?.[0]?.reason).toMatch(/invalid UTF-8 at byte 34/);
    await expectStored([a, b]);
    const json = await sendBatch(
      srv.url,
      ingest,
      Buffer.concat([Buffer.from('['), bad, Buffer.from(']')]),
      {
        contentType: 'application/json',
      },
    );
    expect(json.status).toBe(400);
    expect(json.body.message).toMatch(/not valid UTF-8.*offset 35/);
  });

  it('CR/LF and ANSI injection in fields: stored, neutralized', async () => {
    const forged = makeEvent({
      message: 'login ok\r\n2026-01-01T00:00:00Z INFO admin logged in\u001b[2J',
      'user.id': 'eve\nroot',
    });
    const r = await sendBatch(srv.url, ingest, [forged]);
    expect(r.status).toBe(200);
    const body = (await storedIds()).get(forged.id as string);
    expect(body).toBeTypeOf('string');
    const stored = JSON.parse(body as string) as Record<string, string>;
    for (const v of [stored.message, stored['user.id']]) {
      expect(v).not.toMatch(/[\r\n\u001b]/);
    }
    expect(stored.message).toContain('admin logged in');
  });

  it('unknown top-level field: that item rejected naming the field, the others stored', async () => {
    const a = makeEvent();
    const odd = makeEvent({ 'evil.field': 1 });
    const b = makeEvent();
    const r = await sendBatch(srv.url, ingest, [a, odd, b]);
    expect(r.status).toBe(207);
    expect(r.body.errors?.[0]).toMatchObject({ index: 1, field: 'evil.field' });
    await expectStored([a, b], [odd.id]);
  });

  it('too deep and too many fields: rejected naming server.max_depth / server.max_fields', async () => {
    const a = makeEvent();
    const deep = makeEvent({ attributes: { l1: { l2: { l3: { l4: { l5: { l6: 'x' } } } } } } });
    const wide = makeEvent({
      attributes: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i])),
    });
    const b = makeEvent();
    const r = await sendBatch(srv.url, ingest, [a, deep, wide, b]);
    expect(r.status).toBe(207);
    const reasons = new Map(r.body.errors?.map((e) => [e.index, e.reason]));
    expect(reasons.get(1)).toContain('server.max_depth');
    expect(reasons.get(2)).toContain('server.max_fields');
    await expectStored([a, b], [deep.id, wide.id]);
  });

  it('wrong token, no token, read token on ingest: 401/401/403 with a code; nothing stored', async () => {
    const e1 = makeEvent();
    const wrong = await sendBatch(srv.url, 'lw_' + 'A'.repeat(43), [e1]);
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('LW_AUTH_INVALID');
    expect(wrong.headers.get('www-authenticate')).toMatch(/Bearer/);
    const none = await sendBatch(srv.url, undefined, [e1]);
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('LW_AUTH_REQUIRED');
    const readOnly = await sendBatch(srv.url, reader, [e1]);
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.code).toBe('LW_FORBIDDEN');
    const ok = makeEvent();
    expect((await sendBatch(srv.url, ingest, [ok])).status).toBe(200);
    await expectStored([ok], [e1.id]);
    // Failures are logged as security events (warn), but no token ever reaches the logs.
    expect(srv.stderr()).toMatch(
      /"code":"LW_AUTH_INVALID","client":"127\.0\.0\.1".*authentication failed/,
    );
    expect(srv.stderr()).not.toContain('A'.repeat(43));
    expect(srv.stderr()).not.toContain(ingest);
    expect(srv.stderr()).not.toContain(reader);
  });

  it('duplicates: a resent batch is acknowledged, reported as duplicates, stored once', async () => {
    const batch = [makeEvent(), makeEvent()];
    expect((await sendBatch(srv.url, ingest, batch)).body).toMatchObject({
      accepted: 2,
      duplicates: 0,
    });
    expect((await sendBatch(srv.url, ingest, batch)).body).toMatchObject({
      accepted: 0,
      duplicates: 2,
    });
    const all = await readStored(dir);
    for (const e of batch) expect(all.filter((s) => s.id === e.id)).toHaveLength(1);
  });

  it('unsupported Content-Type: 415 naming what to send', async () => {
    const r = await sendBatch(srv.url, ingest, 'a=b', {
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(r.status).toBe(415);
    expect(r.body.message).toContain('application/x-ndjson');
  });

  it('read API pages with a cursor and metrics count rejections per source', async () => {
    const headers = { authorization: `Bearer ${reader}` };
    const first = (await (await fetch(`${srv.url}/v1/events?limit=3`, { headers })).json()) as {
      events: { seq: number }[];
      next_cursor: string;
    };
    expect(first.events).toHaveLength(3);
    const second = (await (
      await fetch(`${srv.url}/v1/events?limit=3&cursor=${first.next_cursor}`, { headers })
    ).json()) as {
      events: { seq: number }[];
    };
    expect(second.events[0]?.seq).toBeLessThan(first.events[2]?.seq as number);
    const future = (await (
      await fetch(`${srv.url}/v1/events?after=2999-01-01T00:00:00Z`, { headers })
    ).json()) as {
      events: unknown[];
    };
    expect(future.events).toEqual([]);
    const recent = (await (
      await fetch(`${srv.url}/v1/events?after=-1h&q=user:eve*&limit=5`, { headers })
    ).json()) as {
      events: { event: Record<string, string> }[];
    };
    expect(recent.events.length).toBeGreaterThan(0);
    expect(recent.events.every((e) => e.event['user.id']?.startsWith('eve'))).toBe(true);
    const sources = (await (await fetch(`${srv.url}/v1/sources`, { headers })).json()) as {
      sources: { source: string; events: number; last_seen: string }[];
    };
    const web = sources.sources.find((x) => x.source === 'web');
    expect(web?.events).toBe((await readStored(dir)).filter((e) => e.source === 'web').length);
    expect(Date.parse(web?.last_seen ?? '')).toBeGreaterThan(Date.now() - 600_000);
    expect((await fetch(`${srv.url}/v1/sources`)).status).toBe(401);
    const badLimit = await fetch(`${srv.url}/v1/events?limit=0`, { headers });
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as { message: string }).message).toContain('limit=0');
    const bad = await fetch(`${srv.url}/v1/events?q=${encodeURIComponent('status:>>')}`, {
      headers,
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('LW_QUERY_INVALID');
    expect((await fetch(`${srv.url}/metrics`)).status).toBe(401);
    const metrics = await (await fetch(`${srv.url}/metrics`, { headers })).text();
    expect(metrics).toMatch(
      /logwarden_events_rejected_total\{source="web",reason="malformed"\} [1-9]/,
    );
    expect(metrics).toMatch(/logwarden_events_duplicates_total\{source="web"\} 2/);
    expect(metrics).toMatch(/logwarden_auth_failures_total\{code="LW_FORBIDDEN"\} [1-9]/);
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${srv.url}/readyz`)).status).toBe(200);
  });
});
