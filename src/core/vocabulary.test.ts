import { describe, expect, expectTypeOf, it } from 'vitest';
import { EVENT_FIELD_KIND, NON_VOCABULARY_EVENTS } from './event.js';
import type { VocabularyEventName, VocabularyParams } from './vocabulary.js';
import {
  VOCABULARY,
  VOCABULARY_EVENT_NAMES,
  isVocabularyEvent,
  lookupEvent,
} from './vocabulary.js';

describe('VOCABULARY', () => {
  it('has exactly the 49 OWASP events with the cheat sheet per-category counts', () => {
    expect(VOCABULARY_EVENT_NAMES).toHaveLength(49);
    const counts: Record<string, number> = {};
    for (const n of VOCABULARY_EVENT_NAMES)
      counts[VOCABULARY[n].category] = (counts[VOCABULARY[n].category] ?? 0) + 1;
    expect(counts).toEqual({
      authn: 12,
      authz: 3,
      crypt: 2,
      excess: 1,
      upload: 4,
      input: 2,
      malicious: 5,
      privilege: 1,
      data: 4,
      sequence: 1,
      session: 4,
      sys: 6,
      user: 4,
    });
  });

  it('names follow the category prefix, levels are OWASP levels, params map to known fields', () => {
    const prefix: Record<string, string> = { data: 'sensitive_' };
    for (const n of VOCABULARY_EVENT_NAMES) {
      const e = VOCABULARY[n];
      expect(n.startsWith(prefix[e.category] ?? `${e.category}_`), n).toBe(true);
      expect(['INFO', 'WARN', 'CRITICAL']).toContain(e.level);
      expect(e.description.length).toBeGreaterThan(5);
      const names = new Set<string>();
      for (const p of e.params) {
        expect(names.has(p.name), `${n} duplicate param ${p.name}`).toBe(false);
        names.add(p.name);
        if (!p.field.startsWith('attributes.'))
          expect(EVENT_FIELD_KIND.has(p.field), `${n}.${p.name} -> ${p.field}`).toBe(true);
      }
    }
  });

  it('spot-checks levels against the cheat sheet', () => {
    expect(VOCABULARY.authn_login_fail.level).toBe('WARN');
    expect(VOCABULARY.authn_token_reuse.level).toBe('CRITICAL');
    expect(VOCABULARY.authz_fail.level).toBe('CRITICAL');
    expect(VOCABULARY.session_use_after_expire.level).toBe('CRITICAL');
    expect(VOCABULARY.malicious_excess_404.level).toBe('WARN');
    expect(VOCABULARY.sys_monitor_disabled.level).toBe('WARN');
    expect(VOCABULARY.upload_complete.level).toBe('INFO');
  });

  it('lookupEvent covers vocabulary and non-vocabulary names, not custom ones', () => {
    expect(lookupEvent('authn_login_lock')).toMatchObject({ category: 'authn', vocabulary: true });
    for (const n of Object.keys(NON_VOCABULARY_EVENTS))
      expect(lookupEvent(n)?.vocabulary).toBe(false);
    expect(lookupEvent('checkout_done')).toBeUndefined();
    expect(isVocabularyEvent('authz_admin')).toBe(true);
    expect(isVocabularyEvent('http_request')).toBe(false);
  });

  it('types params per event name', () => {
    expectTypeOf<VocabularyParams<'authn_login_successafterfail'>>().toEqualTypeOf<{
      userid?: string;
      retries?: number;
    }>();
    expectTypeOf<VocabularyParams<'input_validation_fail'>>().toEqualTypeOf<{
      fields?: readonly string[];
      userid?: string;
    }>();
    expectTypeOf<'authn_login_fail'>().toMatchTypeOf<VocabularyEventName>();
    // @ts-expect-error: not a vocabulary event
    expectTypeOf<VocabularyParams<'nope'>>();
  });
});
