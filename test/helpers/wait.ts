/**
 * Waiting on an observable condition instead of sleeping for a guessed time: poll until it holds,
 * fail with a message naming what never happened (and, for `waitUntil`, what was seen last).
 */

/** What a condition returns while it does not hold yet. */
type NotYet = undefined | false;

/**
 * Poll `cond` every `everyMs` until it returns something other than undefined/false, and return
 * that. After `ms` it throws `timed out after {ms} ms waiting for {what}`; `what` may be a
 * function, called only then, to describe the state at that moment. An error thrown by `cond`
 * ends the wait at once.
 *
 * @example
 * const ids = await waitFor(async () => ((await alertIds()).length === 3 ? ids : undefined), 'three alerts', 30_000);
 */
export async function waitFor<T>(
  cond: () => T | NotYet | Promise<T | NotYet>,
  what: string | (() => string),
  ms = 15_000,
  everyMs = 25,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end)
      throw new Error(
        `timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Read a value every `everyMs` until `ok` accepts it, and return it; the timeout message shows
 * the value read last (a Map as its entries, cut at 500 characters).
 *
 * @example
 * const counts = await waitUntil(() => countByUser(dir), (m) => m.size >= 80, 'all 80 users stored');
 */
export async function waitUntil<T>(
  read: () => T | Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  ms = 15_000,
  everyMs = 25,
): Promise<T> {
  let last: { v: T } | undefined;
  const got = await waitFor(
    async () => {
      last = { v: await read() };
      return ok(last.v) ? last : undefined;
    },
    () => `${what}; last read: ${show(last?.v)}`,
    ms,
    everyMs,
  );
  return got.v;
}

function show(v: unknown): string {
  const text = JSON.stringify(v instanceof Map ? [...v] : v) ?? String(v);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
