/**
 * The ledger's HTTP API for clients and auditors (read scope): the newest signed checkpoint
 * (with the replicas' cosignatures), every checkpoint in signing order, RFC 9162 inclusion and
 * consistency proofs, and the verification keys. Proof hashes are base64, as in checkpoints.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { LogwardenError } from '../../core/errors.js';
import type { CosignatureLog } from '../../ledger/cosignature-log.js';
import type { Ledger } from '../../ledger/ledger.js';
import type { Authenticate } from '../auth/authenticate.js';

function intParam(q: Record<string, unknown>, name: string, fallback?: number): number {
  const raw = q[name];
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback;
    throw new LogwardenError('LW_USAGE', `query parameter ${name} is required (an integer >= 0)`);
  }
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(n))
    throw new LogwardenError(
      'LW_USAGE',
      `query parameter ${name}=${JSON.stringify(raw)}: expected an integer >= 0`,
    );
  return n;
}

const b64 = (hs: readonly Buffer[]): string[] => hs.map((h) => h.toString('base64'));

export function registerLedgerRoutes(
  app: FastifyInstance,
  authenticate: Authenticate,
  o: { ledger: Ledger; cosignatures: CosignatureLog; vkeyPath: string },
): void {
  const { ledger } = o;
  app.get('/v1/ledger/checkpoint', async (request, reply) => {
    authenticate(request, 'read', reply);
    const cp = ledger.checkpoints.latest();
    if (cp === undefined)
      throw new LogwardenError('LW_NOT_FOUND', 'nothing signed yet (no events stored)');
    reply.type('text/plain; charset=utf-8');
    return o.cosignatures.cosignedNote(cp);
  });
  app.get('/v1/ledger/checkpoints', async (request) => {
    authenticate(request, 'read');
    const q = request.query as Record<string, unknown>;
    const after = intParam(q, 'after', 0);
    const limit = Math.min(intParam(q, 'limit', 1000), 10_000);
    const list = ledger.checkpoints.list(after, limit);
    return {
      checkpoints: list.map((c) => ({
        id: c.id,
        size: c.size,
        root: c.root.toString('base64'),
        time_ms: c.timeMs,
        note: o.cosignatures.cosignedNote(c),
      })),
      next: list.length === limit ? list[list.length - 1]!.id : null,
    };
  });
  app.get('/v1/ledger/proof/inclusion', async (request) => {
    authenticate(request, 'read');
    const q = request.query as Record<string, unknown>;
    const size = intParam(q, 'size', ledger.treeSize());
    const index = intParam(q, 'index');
    if (index >= size)
      throw new LogwardenError('LW_USAGE', `index ${index} is not below size ${size}`);
    const entry = ledger.entries(index, index + 1)[0];
    return {
      index,
      size,
      leaf_hash: entry?.leafHash.toString('base64') ?? null,
      root: ledger.rootAt(size).toString('base64'),
      proof: b64(ledger.inclusionProof(index, size)),
    };
  });
  app.get('/v1/ledger/proof/consistency', async (request) => {
    authenticate(request, 'read');
    const q = request.query as Record<string, unknown>;
    const from = intParam(q, 'from');
    const to = intParam(q, 'to', ledger.treeSize());
    if (from > to) throw new LogwardenError('LW_USAGE', `from ${from} is above to ${to}`);
    // Every tree is consistent with the empty tree and with itself: the proof is empty (RFC 9162 §2.1.4).
    return {
      from,
      to,
      proof: from === 0 || from === to ? [] : b64(ledger.consistencyProof(from, to)),
    };
  });
  app.get('/v1/ledger/vkey', async (request, reply) => {
    authenticate(request, 'read', reply);
    reply.type('text/plain; charset=utf-8');
    return readFileSync(o.vkeyPath, 'utf8');
  });
}
