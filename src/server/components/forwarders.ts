/**
 * Builds the configured forwarders (forwarders.replicas / syslog / otlp), each an independent
 * loop with its own cursor over the ledger (src/forwarders/forwarder.ts).
 */
import { LogwardenError } from '../../core/errors.js';
import type { CosignatureLog } from '../../ledger/cosignature-log.js';
import type { CosignatureVerifier } from '../../ledger/cosignature.js';
import { parseVerifierKey } from '../../ledger/keys.js';
import type { Ledger } from '../../ledger/ledger.js';
import { openCursors } from '../../forwarders/cursor.js';
import { type Destination, type Forwarder, createForwarder } from '../../forwarders/forwarder.js';
import { createOtlpDestination } from '../../forwarders/otlp-destination.js';
import { createReplicaDestination } from '../../forwarders/replica-destination.js';
import { createSyslogDestination } from '../../forwarders/syslog-destination.js';
import type { RuntimeContext } from '../runtime.js';

export function buildForwarders(
  ctx: RuntimeContext,
  o: { ledger: Ledger; cosignatures: CosignatureLog; origin: string },
): Forwarder[] {
  const cfg = ctx.config.forwarders;
  const cursors = openCursors(o.ledger.store);
  const make = (
    f: { name: string; batch_entries: number; backoff_min_ms: number; backoff_max_ms: number },
    destination: Destination,
  ): Forwarder =>
    createForwarder({
      name: f.name,
      ledger: o.ledger,
      cursors,
      destination,
      batchEntries: f.batch_entries,
      backoffMinMs: f.backoff_min_ms,
      backoffMaxMs: f.backoff_max_ms,
      onError: (e, attempt) => {
        // Rate-limited by the backoff itself; the first failures and then every 10th.
        if (attempt < 3 || attempt % 10 === 0)
          ctx.logger.warn(
            { forwarder: f.name, attempt, err: (e as Error).message },
            'forwarding failed, retrying',
          );
      },
    });
  const out: Forwarder[] = [];
  cfg.replicas.forEach((f, i) => {
    let key: CosignatureVerifier;
    try {
      key = parseVerifierKey(f.vkey);
    } catch (e) {
      throw new LogwardenError(
        'LW_CONFIG_INVALID',
        `forwarders.replicas[${i}].vkey: ${(e as Error).message}`,
        { cause: e },
      );
    }
    out.push(
      make(
        f,
        createReplicaDestination({
          url: f.url,
          origin: o.origin,
          ledger: o.ledger,
          cosignatures: o.cosignatures,
          replicaKey: key,
        }),
      ),
    );
  });
  for (const f of cfg.syslog)
    out.push(
      make(
        f,
        createSyslogDestination({
          host: f.host,
          port: f.port,
          tls: f.tls,
          ...(f.ca_file === '' ? {} : { caFile: f.ca_file }),
          origin: o.origin,
          appName: f.app_name,
        }),
      ),
    );
  for (const f of cfg.otlp)
    out.push(
      make(
        f,
        createOtlpDestination({ endpoint: f.endpoint, origin: o.origin, headers: f.headers }),
      ),
    );
  return out;
}
