import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../core/event.js';
import { type SqliteStore, openSqliteStore } from '../storage/index.js';
import { type Checkpointer, createCheckpointer } from './checkpointer.js';
import { generateKey, parseSignerKey } from './keys.js';
import { type ProofBundle, proveEvent, verifyProofBundle } from './proof-bundle.js';

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
    expect(bundle).toMatchObject({ origin: ORIGIN, index: 777, tree_size: 1234, id: ID(777) });
    const v = verifyProofBundle(travel(bundle), [signer.verifier.vkey]);
    expect(v).toMatchObject({ index: 777, treeSize: 1234, keyTrusted: true });
    expect(verifyProofBundle(travel(bundle)).keyTrusted).toBe(false);
  });

  it('refuses a bundle signed by a key that is not trusted', () => {
    const other = parseSignerKey(generateKey(ORIGIN).skey);
    expect(() => verifyProofBundle(travel(bundle), [other.verifier.vkey])).toThrow(
      expect.objectContaining({ code: 'LW_LEDGER_KEY_UNKNOWN' }),
    );
  });

  it('fails when any part is changed', () => {
    const mutations: [string, (b: Record<string, unknown>) => void][] = [
      ['event body', (b) => (b.event = (b.event as string).replace('u777', 'u778'))],
      ['index', (b) => (b.index = 776)],
      ['tree size', (b) => (b.tree_size = 1233)],
      [
        'inclusion hash',
        (b) => ((b.inclusion as string[])[2] = Buffer.alloc(32, 1).toString('base64')),
      ],
      ['inclusion dropped', (b) => (b.inclusion as string[]).pop()],
      [
        'checkpoint root',
        (b) =>
          (b.checkpoint = (b.checkpoint as string).replace(
            /\n[A-Za-z0-9+/]{43}=\n/,
            `\n${Buffer.alloc(32).toString('base64')}\n`,
          )),
      ],
      ['leaf hash', (b) => (b.leaf_hash = Buffer.alloc(32).toString('base64'))],
      ['id', (b) => (b.id = ID(778))],
      ['vkey', (b) => (b.vkey = parseSignerKey(generateKey(ORIGIN).skey).verifier.vkey)],
      ['format', (b) => (b.format = 'other')],
    ];
    for (const [what, mutate] of mutations) {
      const b = travel(bundle) as Record<string, unknown>;
      mutate(b);
      expect(() => verifyProofBundle(b), what).toThrow();
    }
  });

  it('names the field of a malformed bundle, and says why an event cannot be proved', () => {
    expect(() => verifyProofBundle({ ...bundle, index: -1 })).toThrow(
      /"index" must be a non-negative integer/,
    );
    expect(() => verifyProofBundle({ ...bundle, inclusion: 'x' })).toThrow(
      /"inclusion" must be an array/,
    );
    expect(() => proveEvent(store, cp.ledger, 'nope', [signer.verifier])).toThrow(
      /no event with id/,
    );
  });
});
