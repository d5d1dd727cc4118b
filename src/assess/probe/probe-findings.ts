/** Findings from a probe result: what went unlogged, unalerted, or logged without context. */
import { makeFinding, type Finding } from '../report/finding.js';
import type { ProbeResult } from './types.js';

export function probeFindings(r: ProbeResult): Finding[] {
  const out: Finding[] = [];
  const notLogged = r.probes.filter((p) => !p.logged);
  if (notLogged.length > 0)
    out.push(
      makeFinding('PRB-NOT-LOGGED', 'probe', {
        summary: `${notLogged.length} of ${r.probes.length} probes left no trace in ${r.checkedVia}: ${notLogged.map((p) => p.label).join('; ')}`,
        evidence: notLogged.map((p) => ({
          text: `${p.label}: ${p.requests} request${p.requests === 1 ? '' : 's'} (answered ${p.statuses.join(' ')}), canary ${p.canary}, not found`,
        })),
        severity: notLogged.length === r.probes.length ? 'critical' : 'high',
      }),
    );
  // Not logged means not alerted either: an attack nobody saw.
  const notAlerted = r.probes.filter((p) => p.expectAlert && p.alerted === false);
  if (notAlerted.length > 0)
    out.push(
      makeFinding('PRB-NOT-ALERTED', 'probe', {
        summary: `${notAlerted.length} attack-like probe${notAlerted.length === 1 ? '' : 's'} raised no alert: ${notAlerted.map((p) => p.label).join('; ')}`,
        evidence: notAlerted.map((p) => ({
          text: `${p.label}: ${p.logged ? `${p.loggedEvents} events with canary ${p.canary}` : 'not logged'}, no alert`,
        })),
      }),
    );
  const partial = r.probes.filter((p) => p.logged && p.missingFields.length > 0);
  if (partial.length > 0)
    out.push(
      makeFinding('PRB-MISSING-FIELDS', 'probe', {
        summary: `${partial.length} probe${partial.length === 1 ? ' was' : 's were'} logged without some who/what/where fields`,
        evidence: partial.map((p) => ({
          text: `${p.label}: missing ${p.missingFields.join(', ')}`,
        })),
      }),
    );
  return out;
}
