import { describe, expect, it } from 'vitest';
import { createEventView } from './event-view.js';
import { createPrefilter } from './prefilter.js';

describe('prefilter', () => {
  it('marks the rules whose literals occur, event after event (same, other and repeated texts)', () => {
    const pf = createPrefilter(
      [
        { requirement: [{ field: 'q', literal: 'union' }], slot: 0 },
        {
          requirement: [
            { field: 'q', literal: 'sleep(' },
            { field: 'u', literal: 'sqlmap' },
          ],
          slot: 0,
        },
        { requirement: 'always', slot: 0 },
      ],
      { keyOf: (_slot, field) => field, keywordFieldsOf: () => ['message'] },
    );
    const marksFor = (ev: Record<string, unknown>): number[] => {
      const view = createEventView((f) => ev[f], ['message']);
      return [...pf.candidates([view], () => view)];
    };
    expect(marksFor({ q: '1 UNION select' })).toEqual([1, 0, 1]);
    // the same text again (another string object): the same marks
    expect(marksFor({ q: ['1 UNION', 'select'].join(' ') })).toEqual([1, 0, 1]);
    expect(marksFor({ q: 'x', u: 'SQLMap/1.0' })).toEqual([0, 1, 1]);
    expect(marksFor({ q: 'x', u: 'SQLMap/1.0' })).toEqual([0, 1, 1]);
    expect(marksFor({ q: 'x' })).toEqual([0, 0, 1]);
    expect(marksFor({ q: ['a', 'sleep(5)'] })).toEqual([0, 1, 1]);
    expect(marksFor({ q: ['a', 'b'] })).toEqual([0, 0, 1]);
    expect(marksFor({})).toEqual([0, 0, 1]);
    expect(marksFor({ q: 'union sleep(1)' })).toEqual([1, 1, 1]);
  });
});
