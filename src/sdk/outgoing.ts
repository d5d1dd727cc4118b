/**
 * The last step before an event leaves the process: redaction (secrets by field name and pattern,
 * session ids hashed), CWE-117 neutralization, then canonical JSON. It runs per batch in the
 * exporter, not in `emit`, so the application's request path pays only for building the object
 * (bench/sdk-emit.mjs).
 */
import type { SecurityEvent } from '../core/event.js';
import { neutralizeDeep } from '../core/neutralize.js';
import type { Redactor } from '../core/redact.js';

export type EventPreparer = (event: SecurityEvent) => SecurityEvent;

/**
 * @example
 * const prepare = createEventPreparer(createRedactor());
 * const safe = prepare(event); // event['log.redactions'] lists what was removed
 */
export function createEventPreparer(redactor: Redactor): EventPreparer {
  return (event) => {
    const names = redactor.redactEvent(event);
    const counter = { count: 0 };
    const safe = neutralizeDeep(event, counter) as SecurityEvent;
    if (names.length > 0) safe['log.redactions'] = names;
    return safe;
  };
}
