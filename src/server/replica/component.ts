/**
 * `serve --role replica`: accept origins' entries and checkpoints, verify, store, cosign
 * (receive.ts), and serve what it holds to auditors (`logwarden verify --replica URL`).
 *
 * Origins are authenticated by their ledger verification keys (replication.origins), not by
 * tokens: a token proves who sends, a signature proves what the origin itself signed, and only
 * the latter lets a replica refuse forged history. The POST carries no secret; anything not
 * hashing to a checkpoint signed by a configured origin key is refused (and a stolen token could
 * never inject entries). Reads of stored entries need a `read` token; heads and keys are public,
 * as signed checkpoints are meant to be.
 */
import type { FastifyInstance } from 'fastify';
import { LogwardenError } from '../../core/errors.js';
import { SIG_TYPE_COSIGNATURE_ED25519 } from '../../ledger/ed25519.js';
import { ensureSigningKey } from '../../ledger/key-files.js';
import { type LedgerSigner, parseVerifierKey } from '../../ledger/keys.js';
import type { LedgerBackingStore } from '../../ledger/tiles.js';
import type { Authenticate } from '../auth/authenticate.js';
import { appendOwnEvent } from '../components/ledger-events.js';
import { ledgerPaths } from '../components/ledger-paths.js';
import type { Component, RuntimeContext } from '../runtime.js';
import { REPLICA_BATCH_CONTENT_TYPE, decodeReplicaBatch } from '../../ledger/replica-batch.js';
import { batchFromJson, parseReplicationRequest, receiveBatch } from './receive.js';
import { type ReplicaStore, openReplicaStore } from './replica-store.js';
import { readFileSync } from 'node:fs';

function intQ(q: Record<string, unknown>, name: string, fallback?: number): number {
  const raw = q[name];
  if ((raw === undefined || raw === '') && fallback !== undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw))
    throw new LogwardenError('LW_USAGE', `query parameter ${name}: expected an integer >= 0`);
  return Number(raw);
}

function originQ(q: Record<string, unknown>): string {
  if (typeof q.origin !== 'string' || q.origin === '')
    throw new LogwardenError('LW_USAGE', 'query parameter origin is required');
  return q.origin;
}

export function createReplicaComponent(): Component {
  return {
    name: 'replica',
    async start(ctx: RuntimeContext) {
      const paths = ledgerPaths(ctx.config);
      const cfg = ctx.config.replication;
      if (cfg.origins.length === 0)
        throw new LogwardenError(
          'LW_CONFIG_INVALID',
          "replication.origins: a replica needs at least one origin vkey (the origin's ledger.vkey)",
        );
      const originKeys = cfg.origins.map((o, i) => {
        try {
          return parseVerifierKey(o.vkey);
        } catch (e) {
          throw new LogwardenError(
            'LW_CONFIG_INVALID',
            `replication.origins[${i}].vkey: ${(e as Error).message}`,
            { cause: e },
          );
        }
      });
      const { signer, created } = ensureSigningKey({
        keyPath: paths.replicaKeyPath,
        vkeyPath: paths.replicaVkeyPath,
        name: paths.replicaName,
        type: SIG_TYPE_COSIGNATURE_ED25519,
      });
      if (created)
        process.stderr.write(
          `replica cosigner key created in ${paths.replicaKeyPath}; give this vkey to the origins (forwarders.replicas[].vkey):\n  ${signer.verifier.vkey}\n`,
        );
      const store = openReplicaStore(ctx.store as LedgerBackingStore);
      ctx.routes.push((app, authenticate) =>
        registerReplicaRoutes(app, authenticate, {
          ctx,
          store,
          signer,
          originKeys,
          maxBodyBytes: cfg.max_body_bytes,
          vkeyPath: paths.replicaVkeyPath,
        }),
      );
      ctx.logger.info(
        { cosigner: signer.verifier.vkey, origins: originKeys.map((k) => k.name) },
        'replica ready',
      );
    },
    async stop() {},
  };
}

function registerReplicaRoutes(
  app: FastifyInstance,
  authenticate: Authenticate,
  o: {
    ctx: RuntimeContext;
    store: ReplicaStore;
    signer: LedgerSigner;
    originKeys: ReturnType<typeof parseVerifierKey>[];
    maxBodyBytes: number;
    vkeyPath: string;
  },
): void {
  const { ctx, store } = o;
  // The binary form forwarders send (ledger/replica-batch.ts): handed over as one Buffer.
  app.addContentTypeParser(
    REPLICA_BATCH_CONTENT_TYPE,
    { parseAs: 'buffer', bodyLimit: o.maxBodyBytes },
    (_request, body, done) => done(null, body),
  );
  app.post('/v1/replica/entries', { bodyLimit: o.maxBodyBytes }, async (request, reply) => {
    if (ctx.draining()) throw new LogwardenError('LW_UNAVAILABLE', 'replica is shutting down');
    const req = Buffer.isBuffer(request.body)
      ? decodeReplicaBatch(request.body)
      : batchFromJson(parseReplicationRequest(request.body));
    const now = Date.now();
    const r = receiveBatch(req, {
      store,
      originKeys: o.originKeys,
      cosigner: o.signer,
      nowMs: now,
    });
    if (r.ok) return { size: r.size, added: r.added, cosigned: r.cosigned };
    const fresh = r.evidence.filter((e) => store.addEvidence(e, now));
    if (fresh.length > 0) {
      ctx.logger.error(
        { origin: req.origin, evidence: fresh.length, reason: fresh[0]!.reason },
        'ledger fork evidence kept',
      );
      await appendOwnEvent(ctx, {
        'event.name': 'ledger_fork_evidence',
        'event.category': 'sys',
        'event.outcome': 'failure',
        severity: 'CRITICAL',
        message: `fork evidence from ${req.origin}: ${r.error.message}`,
        attributes: {
          origin: req.origin,
          reason: fresh[0]!.reason,
          indexes: fresh
            .map((e) => e.index)
            .filter((i) => i !== null)
            .slice(0, 100),
          count: fresh.length,
        },
      }).catch((e: unknown) => ctx.logger.error({ err: e }, 'could not store the fork alert'));
    }
    return reply.code(r.status).send(r.error.toJSON());
  });
  app.get('/v1/replica/head', async (request) => {
    const origin = originQ(request.query as Record<string, unknown>);
    const h = store.head(origin);
    return h === undefined
      ? { origin, size: 0, root: null, cosigned: null }
      : { origin, size: h.size, root: h.root.toString('base64'), cosigned: h.cosigned };
  });
  app.get('/v1/replica/origins', async () => ({ origins: store.origins() }));
  app.get('/v1/replica/vkey', async (_request, reply) => {
    reply.type('text/plain; charset=utf-8');
    return readFileSync(o.vkeyPath, 'utf8');
  });
  app.get('/v1/replica/checkpoints', async (request) => {
    const origin = originQ(request.query as Record<string, unknown>);
    return {
      checkpoints: store.checkpoints(origin).map((c) => ({ size: c.size, note: c.note })),
    };
  });
  app.get('/v1/replica/entries', async (request) => {
    authenticate(request, 'read');
    const q = request.query as Record<string, unknown>;
    const origin = originQ(q);
    const from = intQ(q, 'from', 0);
    const to = Math.min(intQ(q, 'to', from + 5000), from + 5000);
    return {
      origin,
      entries: store.entries(origin, from, to).map((e) => ({
        index: e.index,
        body: e.body,
        leaf_hash: e.leafHash.toString('base64'),
      })),
    };
  });
  app.get('/v1/replica/evidence', async (request) => {
    authenticate(request, 'read');
    return {
      evidence: store.evidence().map((e) => ({
        id: e.id,
        origin: e.origin,
        index: e.index,
        reason: e.reason,
        held_leaf: e.heldLeaf?.toString('base64') ?? null,
        offered_leaf: e.offeredLeaf?.toString('base64') ?? null,
      })),
    };
  });
}
