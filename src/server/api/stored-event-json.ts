import type { StoredEvent } from '../../storage/types.js';

/** One stored event as JSON text: `{"seq":..,"source":..,"event":<stored body>}`. */
export function storedEventJson(e: StoredEvent): string {
  const head = `{"seq":${e.seq},"source":${JSON.stringify(e.source)}`;
  return e.body === null
    ? `${head},"id":${JSON.stringify(e.id)},"pruned":true}`
    : `${head},"event":${e.body}}`;
}
