import { describe, expect, it } from 'vitest';
import { waitFor, waitUntil } from './wait.js';

describe('waitFor', () => {
  it('returns the first value that is neither undefined nor false', async () => {
    let n = 0;
    const got = await waitFor(() => (++n === 3 ? `at ${n}` : n === 1 ? false : undefined), 'n=3');
    expect(got).toBe('at 3');
  });

  it('names what never happened and after how long', async () => {
    let described = 0;
    await expect(
      waitFor(
        () => false,
        () => `the moon (described ${++described} time)`,
        30,
        5,
      ),
    ).rejects.toThrow('timed out after 30 ms waiting for the moon (described 1 time)');
  });

  it('ends at once when the condition throws', async () => {
    let calls = 0;
    await expect(
      waitFor(() => {
        calls++;
        throw new Error('broken probe');
      }, 'never'),
    ).rejects.toThrow('broken probe');
    expect(calls).toBe(1);
  });
});

describe('waitUntil', () => {
  it('returns the accepted value, even a falsy one', async () => {
    let n = 3;
    expect(
      await waitUntil(
        () => --n,
        (v) => v === 0,
        'zero',
      ),
    ).toBe(0);
  });

  it('shows the value read last (a Map as its entries)', async () => {
    await expect(
      waitUntil(
        () => new Map([['a', 1]]),
        (m) => m.size > 1,
        'two keys',
        30,
        5,
      ),
    ).rejects.toThrow('timed out after 30 ms waiting for two keys; last read: [["a",1]]');
  });
});
