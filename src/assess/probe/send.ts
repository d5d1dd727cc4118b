/**
 * Sending the planned requests, paced to the plan's rate, one at a time (never concurrent: a
 * probe must not load the target). A request that fails is recorded (status 0) and the run goes
 * on: "the server reset the connection" is itself an answer.
 */
import type { PlannedRequest, ProbePlan } from './plan.js';

export interface SentRequest {
  readonly probe: string;
  readonly index: number;
  readonly status: number;
  readonly sentMs: number;
  readonly error?: string;
}

const TIMEOUT_MS = 10_000;

async function sendOne(r: PlannedRequest): Promise<{ status: number; error?: string }> {
  try {
    const res = await fetch(r.url, {
      method: r.method,
      headers: r.headers,
      ...(r.body !== undefined ? { body: r.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => {});
    return { status: res.status };
  } catch (e) {
    // fetch wraps the reason: ECONNREFUSED, a timeout, or "bad port" (fetch refuses some ports).
    const err = e as Error & { cause?: { code?: string; message?: string } };
    return { status: 0, error: err.cause?.code ?? err.cause?.message ?? err.message };
  }
}

/** Send every request of the plan; `onSent` is called after each (progress). */
export async function sendPlan(
  plan: ProbePlan,
  onSent?: (done: number, total: number) => void,
): Promise<SentRequest[]> {
  const gap = 1000 / plan.rate;
  const out: SentRequest[] = [];
  let next = Date.now();
  for (const p of plan.probes) {
    for (const r of p.requests) {
      const wait = next - Date.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      next = Math.max(next, Date.now()) + gap;
      const sentMs = Date.now();
      const { status, error } = await sendOne(r);
      out.push({ probe: r.probe, index: r.index, status, sentMs, ...(error ? { error } : {}) });
      onSent?.(out.length, plan.total);
      // No answer to the very first request: the target is not there; do not send the rest.
      if (out.length === 1 && status === 0) return out;
    }
  }
  return out;
}
