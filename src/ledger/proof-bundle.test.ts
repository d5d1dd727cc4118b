import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../core/event.js';
import { type SqliteStore, openSqliteStore } from '../storage/index.js';
import { type Checkpointer, createCheckpointer } from './checkpointer.js';
import { generateKey, parseSignerKey } from './keys.js';
import { type ProofBundle, proveEvent, verifyProofBundle } from './proof-bundle.js';
import { formatTlogProof, parseTlogProof } from './tlog-proof.js';

const ORIGIN = 'logs.test/prove';
const signer = parseSignerKey(generateKey(ORIGIN).skey);
let dir: string;
let store: SqliteStore;
let cp: Checkpointer;
let bundle: ProofBundle;
const ID = (i: number): string => `00000000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lw-prove-'));
  store = openSqliteStore({ path: path.join(dir, 'events.db') });
  cp = createCheckpointer({ store, key: signer, origin: ORIGIN });
  await store.append(
    Array.from({ length: 1234 }, (_, i) => {
      const event: SecurityEvent = {
        id: ID(i),
        time: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
        'event.name': 'authz_fail',
        'user.id': `u${i}`,
      };
      return { event, body: JSON.stringify(event), source: 'test' };
    }),
  );
  cp.checkpointNow();
  bundle = proveEvent(store, cp.ledger, ID(777), [signer.verifier]);
});
afterAll(async () => {
  await cp.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Round-trip through JSON text, the way a bundle travels. */
const travel = (b: unknown): unknown => JSON.parse(JSON.stringify(b));

describe('proof bundles', () => {
  it('proves an event and verifies offline against a trusted vkey', () => {
    expect(bundle).toMatchObject({ id: ID(777), format: 'logwarden-proof/v1' });
    expect(bundle.tlog_proof.split('\n').slice(0, 2)).toEqual([
      'c2sp.org/tlog-proof@v1',
      'index 777',
    ]);
    const v = verifyProofBundle(travel(bundle), [signer.verifier.vkey]);
    expect(v).toMatchObject({ origin: ORIGIN, index: 777, treeSize: 1234, keyTrusted: true });
    expect(verifyProofBundle(travel(bundle)).keyTrusted).toBe(false);
  });

  it('the tlog-proof part round-trips and carries the checkpoint verbatim', () => {
    const p = parseTlogProof(bundle.tlog_proof);
    expect(p.index).toBe(777);
    expect(p.checkpoint).toBe(cp.latestCheckpoint()!.note);
    expect(formatTlogProof(p)).toBe(bundle.tlog_proof);
    const withExtra = formatTlogProof({ ...p, extra: Buffer.from('context') });
    expect(parseTlogProof(withExtra).extra?.toString()).toBe('context');
    expect(() => parseTlogProof(bundle.tlog_proof.replace('index 777', 'index 0777'))).toThrow(
      /line 2 must be "index <n>"/,
    );
    expect(() =>
      parseTlogProof(bundle.tlog_proof.replace('c2sp.org/tlog-proof@v1', 'c2sp.org/tlog-proof@v2')),
    ).toThrow(/first line/);
  });

  it('refuses a bundle signed by a key that is not trusted', () => {
    const other = parseSignerKey(generateKey(ORIGIN).skey);
    expect(() => verifyProofBundle(travel(bundle), [other.verifier.vkey])).toThrow(
      expect.objectContaining({ code: 'LW_LEDGER_KEY_UNKNOWN' }),
    );
  });

  it('fails when any part is changed', () => {
    const lines = bundle.tlog_proof.split('\n');
    const withLine = (i: number, line: string): string =>
      lines.map((l, k) => (k === i ? line : l)).join('\n');
    const mutations: [string, (b: Record<string, unknown>) => void][] = [
      ['event body', (b) => (b.event = (b.event as string).replace('u777', 'u778'))],
      ['index', (b) => (b.tlog_proof = withLine(1, 'index 776'))],
      [
        'inclusion hash',
        (b) => (b.tlog_proof = withLine(3, Buffer.alloc(32, 1).toString('base64'))),
      ],
      ['inclusion dropped', (b) => (b.tlog_proof = lines.filter((_, k) => k !== 3).join('\n'))],
      [
        'checkpoint size',
        (b) => (b.tlog_proof = (b.tlog_proof as string).replace('\n1234\n', '\n1233\n')),
      ],
      [
        'checkpoint root',
        (b) =>
          (b.tlog_proof = (b.tlog_proof as string).replace(
            /\n[A-Za-z0-9+/]{43}=\n\n/,
            `\n${Buffer.alloc(32).toString('base64')}\n\n`,
          )),
      ],
      ['id', (b) => (b.id = ID(778))],
      ['vkey', (b) => (b.vkey = parseSignerKey(generateKey(ORIGIN).skey).verifier.vkey)],
      ['format', (b) => (b.format = 'other')],
    ];
    for (const [what, mutate] of mutations) {
      const b = travel(bundle) as Record<string, unknown>;
      mutate(b);
      expect(JSON.stringify(b), what).not.toBe(JSON.stringify(bundle));
      expect(() => verifyProofBundle(b), what).toThrow();
    }
  });

  it('names the field of a malformed bundle, and says why an event cannot be proved', async () => {
    expect(() => verifyProofBundle({ ...bundle, tlog_proof: 3 })).toThrow(/"tlog_proof" must be/);
    expect(() => verifyProofBundle({ ...bundle, event: 'not json' })).toThrow(
      /"event" is not JSON/,
    );
    expect(() => proveEvent(store, cp.ledger, 'nope', [signer.verifier])).toThrow(
      /no event with id/,
    );
    store.db.prepare('UPDATE events SET body = NULL WHERE seq = 5').run();
    expect(() => proveEvent(store, cp.ledger, ID(5), [signer.verifier])).toThrow(
      /pruned by retention/,
    );
    await store.append([
      {
        event: { id: ID(5000), time: new Date().toISOString(), 'event.name': 'log' },
        body: JSON.stringify({ id: ID(5000) }),
        source: 't',
      },
    ]);
    expect(() => proveEvent(store, cp.ledger, ID(5000), [signer.verifier])).toThrow(
      /not covered by a checkpoint yet/,
    );
  });
});
