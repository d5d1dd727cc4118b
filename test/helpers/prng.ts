/**
 * A seeded pseudo-random generator for tests (mulberry32: 32 bits of state, full period 2^32),
 * so a generated case is the same on every run and a failure can be replayed from its seed.
 *
 * @example
 * const random = mulberry32(20261127);
 * const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
