import { describe, expect, it } from 'vitest';
import { ReusableEventView, createEventView, fieldId, inputValue } from './event-view.js';

describe('event views', () => {
  it('a reused view reads the event it was last reset to, never a cached value of another', () => {
    let reads = 0;
    const view = new ReusableEventView(
      (field) => (e) => {
        reads++;
        return e[field];
      },
      ['message'],
    );
    view.reset({ 'user.name': 'Alice', n: 7 });
    expect(view.lower('user.name')).toBe('alice');
    expect(view.get('user.name')).toBe('Alice');
    expect(view.lowerId(fieldId('n'))).toBe('7');
    const readsForA = reads;
    expect(view.lower('user.name')).toBe('alice'); // cached within the event
    expect(reads).toBe(readsForA);
    view.reset({ 'user.name': 'BOB' });
    expect(view.lower('user.name')).toBe('bob');
    expect(view.getId(fieldId('user.name'))).toBe('BOB');
    expect(view.lower('n')).toBeUndefined();
    view.reset({});
    expect(view.get('user.name')).toBeUndefined();
    expect(view.keywordFields).toEqual(['message']);
  });

  it('reads by field id the same as by name, in both kinds of view', () => {
    const ev: Record<string, unknown> = { a: 'X', b: ['P', 'Q'], c: true };
    const plain = createEventView((f) => ev[f], []);
    const reused = new ReusableEventView((f) => (e) => e[f], []);
    reused.reset(ev);
    for (const f of ['a', 'b', 'c', 'missing']) {
      const id = fieldId(f);
      expect(fieldId(f)).toBe(id);
      for (const v of [plain, reused]) {
        expect(v.getId(id)).toEqual(v.get(f));
        expect(v.lowerId(id)).toEqual(v.lower(f));
      }
    }
    expect(plain.lower('b')).toEqual(['p', 'q']);
    expect(inputValue(ev.b)).toBe('P');
    expect(inputValue(ev.c)).toBe('true');
    expect(inputValue({})).toBeUndefined();
  });
});
