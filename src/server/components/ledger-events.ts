/**
 * logwarden's own events (fork evidence, replica lag): prepared like any event, appended to the
 * local store and announced on the commit feed, so detection and alerting see them like the rest.
 */
import { hostname } from 'node:os';
import { LogwardenError } from '../../core/errors.js';
import { prepareEvent } from '../../core/prepare.js';
import type { RuntimeContext } from '../runtime.js';

export async function appendOwnEvent(
  ctx: Pick<RuntimeContext, 'store' | 'feed'>,
  fields: Record<string, unknown>,
): Promise<void> {
  const r = prepareEvent(
    { 'host.name': hostname(), 'service.name': 'logwarden', ...fields },
    { source: 'logwarden', logSource: 'internal' },
  );
  if (!r.ok)
    throw new LogwardenError(
      'LW_INTERNAL',
      `own event ${String(fields['event.name'])} rejected: ${r.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`,
    );
  const [res] = await ctx.store.append([r.prepared]);
  if (res !== undefined) ctx.feed.committed(res.seq);
}
