import { describe, expect, it } from 'vitest';
import {
  createUuidV7Generator,
  deterministicId,
  deterministicIdHasher,
  isUuid,
  uuidv7,
  uuidv7Time,
} from './ids.js';

describe('uuidv7', () => {
  it('has version 7, the RFC 9562 variant and the current time', () => {
    const before = Date.now();
    const id = uuidv7();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const t = uuidv7Time(id)!;
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it('is strictly increasing within one millisecond, across counter overflow and a clock going back', () => {
    let now = 1_700_000_000_000;
    const next = createUuidV7Generator(() => now);
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) ids.push(next()); // > 4096: forces counter overflow
    now -= 5_000;
    for (let i = 0; i < 100; i++) ids.push(next());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `at ${i}`).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(uuidv7Time(ids[0]!)).toBe(1_700_000_000_000);
  });

  it('encodes timestamps past 2^32 ms correctly', () => {
    const next = createUuidV7Generator(() => 0xfedcba987654);
    expect(next().slice(0, 13)).toBe('fedcba98-7654');
  });
});

describe('isUuid', () => {
  it('accepts any version and case, rejects other strings', () => {
    expect(isUuid('00000000-0000-0000-0000-000000000000')).toBe(true);
    expect(isUuid('F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6')).toBe(true);
    expect(isUuid(uuidv7())).toBe(true);
    expect(isUuid('f81d4fae7dec11d0a76500a0c91e6bf6')).toBe(false);
    expect(isUuid('f81d4fae-7dec-11d0-a765-00a0c91e6bf')).toBe(false);
    expect(isUuid('g81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toBe(false);
  });
});

describe('deterministicId', () => {
  it('is a stable UUIDv8 of its parts, unambiguous in how they are split', () => {
    const a = deterministicId('file:/var/log/a.log', '17', 'GET / 200');
    expect(a).toBe(deterministicId('file:/var/log/a.log', '17', 'GET / 200'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicId('ab', 'c')).not.toBe(deterministicId('a', 'bc'));
    expect(deterministicId('x')).not.toBe(a);
  });

  it('gives the ids it gave before (values computed with the Hash-object implementation)', () => {
    // Re-imported file lines and retried OTLP exports are deduplicated by these ids: they must
    // never change across versions.
    expect(deterministicId('file', '/var/log/ñ.log', '1042')).toBe(
      'dbbc9df5-58be-84cd-b29e-3c1a4d01145f',
    );
    expect(deterministicId()).toBe('e3b0c442-98fc-8c14-9afb-f4c8996fb924');
    expect(deterministicId('')).toBe('ba768b33-1fd8-8cec-803b-e04e56ab2b3d');
    expect(deterministicId('a', 'bc')).toBe('5310a587-8878-8ab2-9d5a-d7c3f8503582');
    expect(deterministicId('ab', 'c')).toBe('430fb1b4-ac43-816e-8a81-fab27a1930ab');
  });
});

describe('deterministicIdHasher', () => {
  it('is deterministicId with its first parts fixed, extensible, and reusable', () => {
    const h = deterministicIdHasher('file', '/var/log/ñ.log');
    expect(h.id('1042')).toBe('dbbc9df5-58be-84cd-b29e-3c1a4d01145f');
    expect(h.id('1042')).toBe(deterministicId('file', '/var/log/ñ.log', '1042'));
    expect(h.id('7', 'x')).toBe(deterministicId('file', '/var/log/ñ.log', '7', 'x'));
    expect(h.id()).toBe(deterministicId('file', '/var/log/ñ.log'));
    const e = h.extend('🔒', '');
    expect(e.id('z')).toBe(deterministicId('file', '/var/log/ñ.log', '🔒', '', 'z'));
    expect(h.id('1042')).toBe(deterministicId('file', '/var/log/ñ.log', '1042')); // h unchanged
    expect(deterministicIdHasher().id('a', 'bc')).toBe('5310a587-8878-8ab2-9d5a-d7c3f8503582');
    // A part's boundaries count: ('ab','c') and ('a','bc') stay apart through the prefix too.
    expect(deterministicIdHasher('ab').id('c')).not.toBe(deterministicIdHasher('a').id('bc'));
    // A lone surrogate at a part's end does not pair with the next part (each is prefixed).
    expect(deterministicIdHasher('\ud83d').id('\udd12')).toBe(deterministicId('\ud83d', '\udd12'));
    expect(deterministicId('\ud83d', '\udd12')).not.toBe(deterministicId('\ud83d\udd12'));
  });
});
