/** Excerpts for findings: short, and safe to print on a terminal or in a log line (CWE-117). */

const EXCERPT_CHARS = 96;

/** Up to 96 characters of `s` starting a little before `at`, control characters shown as `·`. */
export function excerptAround(s: string, at: number): string {
  const start = Math.max(0, at - 24);
  const cut = s.slice(start, start + EXCERPT_CHARS);

  return cut.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, '·');
}
