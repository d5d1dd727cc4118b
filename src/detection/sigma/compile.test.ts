import { describe, expect, it } from 'vitest';
import { compileDetection } from './compile.js';
import { createEventView } from './event-view.js';
import { base64offset } from './modifiers.js';
import { parseYamlDocuments } from './yaml-source.js';
import type { Placeholders } from './modifiers.js';

/** Compile a `detection:` block written in YAML and test it on a plain event. */
function rule(
  yaml: string,
  placeholders: Placeholders = {},
): (event: Record<string, unknown>) => boolean {
  const det = parseYamlDocuments(yaml)[0]!.value;
  const d = compileDetection(det, { placeholders });
  return (event) => d.match(createEventView((f) => event[f], ['message']));
}

describe('values', () => {
  it('is case-insensitive by default and exact with |cased', () => {
    const r = rule("sel: { f: 'Admin' }\ncondition: sel");
    expect(r({ f: 'ADMIN' })).toBe(true);
    expect(r({ f: 'admins' })).toBe(false);
    const c = rule("sel: { f|cased: 'Admin' }\ncondition: sel");
    expect(c({ f: 'Admin' })).toBe(true);
    expect(c({ f: 'admin' })).toBe(false);
  });

  it('keeps YAML numbers as written and compares numbers by their string form', () => {
    const r = rule('sel: { EventID: 00000429 }\ncondition: sel');
    expect(r({ EventID: '00000429' })).toBe(true);
    expect(r({ EventID: 429 })).toBe(false);
    const s = rule('sel: { sc-status: 404 }\ncondition: sel');
    expect(s({ 'sc-status': 404 })).toBe(true);
    expect(s({ 'sc-status': '404' })).toBe(true);
    const b = rule('sel: { flag: true }\ncondition: sel');
    expect(b({ flag: true })).toBe(true);
    expect(b({ flag: 'TRUE' })).toBe(true);
    expect(b({ flag: false })).toBe(false);
  });

  it("distinguishes null (missing or null) from '' (empty string only)", () => {
    const n = rule('sel: { f: null }\ncondition: sel');
    expect(n({})).toBe(true);
    expect(n({ f: null })).toBe(true);
    expect(n({ f: '' })).toBe(false);
    const e = rule("sel: { f: '' }\ncondition: sel");
    expect(e({ f: '' })).toBe(true);
    expect(e({})).toBe(false);
    expect(e({ f: null })).toBe(false);
    expect(e({ f: 'x' })).toBe(false);
  });

  it('ORs lists, ANDs them with |all, ANDs map keys and ORs lists of maps', () => {
    const any = rule('sel: { f|contains: [a, b] }\ncondition: sel');
    expect(any({ f: 'xbx' })).toBe(true);
    const all = rule('sel: { f|contains|all: [a, b] }\ncondition: sel');
    expect(all({ f: 'xbx' })).toBe(false);
    expect(all({ f: 'xbxa' })).toBe(true);
    const map = rule('sel: { f: x, g: y }\ncondition: sel');
    expect(map({ f: 'x', g: 'z' })).toBe(false);
    expect(map({ f: 'x', g: 'y' })).toBe(true);
    const maps = rule('sel:\n  - { f: x }\n  - { g: y }\ncondition: sel');
    expect(maps({ g: 'y' })).toBe(true);
    expect(maps({ f: 'y' })).toBe(false);
  });

  it('a long value list matches as its values one by one would (grouped by shape)', () => {
    // Six values of each shape, so each shape's values are grouped into one test (containsAny,
    // affixAny, a Set), plus one that stays alone: a one-character contains.
    const values = ['/.env', '/.GIT', 'id_rsa', '/.hg/', 'wp-config.php.', '~x', 'é'];
    const yamlList = `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
    const texts = ['', '/a/.ENV', '/id_RSA.pub', 'x~x', '/.hg', 'café', 'wp-config.php', '/.git/'];
    for (const mod of ['contains', 'startswith', 'endswith', '']) {
      for (const cased of [false, true]) {
        const key = `f${mod ? `|${mod}` : ''}${cased ? '|cased' : ''}`;
        const list = rule(`s: { '${key}': ${yamlList} }\ncondition: s`);
        const each = values.map((v) => rule(`s: { '${key}': ${JSON.stringify(v)} }\ncondition: s`));
        for (const f of [...texts, ['/x', '/y/.Env'], 7]) {
          expect(list({ f }), `${key} on ${JSON.stringify(f)}`).toBe(each.some((r) => r({ f })));
        }
      }
    }
  });

  it('specialize decides the items on known fields and keeps the others', () => {
    const det = parseYamlDocuments(
      'sel: { kind: login, user: root }\nfilter: { kind: noise }\ncondition: sel and not filter',
    )[0]!.value;
    const d = compileDetection(det, {});
    const known = (f: string): boolean => f === 'kind';
    const on = (kind: string) => createEventView((f) => (f === 'kind' ? kind : undefined), []);
    expect(d.specialize(known, on('noise'))).toBe(false);
    expect(d.specialize(known, on('other'))).toBe(false);
    const rest = d.specialize(known, on('LOGIN'));
    expect(typeof rest).toBe('function');
    // Only `user` is left to test: the view's kind is not read again.
    const test = rest as (v: ReturnType<typeof on>) => boolean;
    expect(test(createEventView((f) => (f === 'user' ? 'Root' : 'noise'), []))).toBe(true);
    expect(test(createEventView((f) => (f === 'user' ? 'bob' : 'login'), []))).toBe(false);
    expect(
      d.specialize(
        () => true,
        createEventView((f) => ({ kind: 'login', user: 'root' })[f], []),
      ),
    ).toBe(true);
  });

  it('matches any element of an array field', () => {
    const r = rule('sel: { tags|startswith: adm }\ncondition: sel');
    expect(r({ tags: ['user', 'Admin'] })).toBe(true);
    expect(r({ tags: ['user'] })).toBe(false);
  });

  it('runs keyword searches on the raw message, as substrings, case-insensitive', () => {
    const r = rule("keywords:\n  - 'error in libcrypto'\n  - 'Trojan*FOUND'\ncondition: keywords");
    expect(r({ message: 'sshd[1]: ERROR in libcrypto now' })).toBe(true);
    expect(r({ message: '/tmp/x: Trojan.Gen FOUND' })).toBe(true);
    expect(r({ message: 'all fine' })).toBe(false);
    const all = rule("keywords:\n  '|all': [pkexec, XAUTHORITY]\ncondition: keywords");
    expect(all({ message: 'pkexec: XAUTHORITY bad' })).toBe(true);
    expect(all({ message: 'pkexec only' })).toBe(false);
  });
});

describe('modifiers', () => {
  it('startswith / endswith / contains respect escaped wildcards', () => {
    expect(
      rule("s: { f|endswith: '\\?manifest=wac' }\ncondition: s")({ f: '/x?manifest=wac' }),
    ).toBe(true);
    expect(
      rule("s: { f|endswith: '\\?manifest=wac' }\ncondition: s")({ f: '/xzmanifest=wac' }),
    ).toBe(false);
    expect(
      rule("s: { f|startswith: 'C:\\Windows\\' }\ncondition: s")({ f: 'c:\\windows\\cmd.exe' }),
    ).toBe(true);
  });

  it('windash varies only a dash or slash that starts a word, in five forms', () => {
    const r = rule("s: { f|windash|contains: ' -exec ' }\ncondition: s");
    for (const d of ['-', '/', '\u2013', '\u2014', '\u2015'])
      expect(r({ f: `find . ${d}exec rm` })).toBe(true);
    expect(r({ f: 'find . +exec rm' })).toBe(false);
    const mid = rule("s: { f|windash: 'a-b' }\ncondition: s");
    expect(mid({ f: 'a-b' })).toBe(true);
    expect(mid({ f: 'a/b' })).toBe(false);
  });

  it('base64 and base64offset find the value inside any encoded blob', () => {
    expect(base64offset(Buffer.from('http://'))).toEqual(['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v']);
    const r = rule("s: { f|base64offset|contains: 'http://evil' }\ncondition: s");
    for (const prefix of ['', 'x', 'xy', 'abc', 'curl ']) {
      const blob = Buffer.from(`${prefix}http://evil.example/`).toString('base64');
      expect(r({ f: `cmd ${blob} end` }), `prefix '${prefix}'`).toBe(true);
    }
    expect(r({ f: Buffer.from('https://good.example/').toString('base64') })).toBe(false);
    const b = rule("s: { f|base64: 'admin' }\ncondition: s");
    expect(b({ f: 'YWRtaW4=' })).toBe(true);
  });

  it('utf16le/wide then base64offset finds PowerShell-style encoded text', () => {
    const r = rule("s: { f|wide|base64offset|contains: 'Invoke-' }\ncondition: s");
    const blob = Buffer.from('x Invoke-Expression', 'utf16le').toString('base64');
    expect(r({ f: blob })).toBe(true);
    expect(r({ f: Buffer.from('x Invoke-Expression', 'utf8').toString('base64') })).toBe(false);
    const be = rule("s: { f|utf16be|base64: 'ab' }\ncondition: s");
    expect(be({ f: Buffer.from([0, 0x61, 0, 0x62]).toString('base64') })).toBe(true);
    const bom = rule("s: { f|utf16|base64: 'a' }\ncondition: s");
    expect(bom({ f: Buffer.from([0xff, 0xfe, 0x61, 0]).toString('base64') })).toBe(true);
  });

  it('re: case-sensitive by default, sub-modifiers i/m/s', () => {
    expect(rule("s: { f|re: 'Select' }\ncondition: s")({ f: 'select' })).toBe(false);
    expect(rule("s: { f|re|i: 'Select' }\ncondition: s")({ f: 'SELECT' })).toBe(true);
    expect(rule("s: { f|re: '(?i)select' }\ncondition: s")({ f: 'SELECT' })).toBe(true);
    expect(rule("s: { f|re|m: '^b' }\ncondition: s")({ f: 'a\nb' })).toBe(true);
    expect(rule("s: { f|re|s: 'a.b' }\ncondition: s")({ f: 'a\nb' })).toBe(true);
    expect(rule("s: { f|re: 'a.b' }\ncondition: s")({ f: 'a\nb' })).toBe(false);
  });

  it('cidr matches IPv4 and IPv6 networks and nothing else', () => {
    const r = rule("s: { ip|cidr: ['10.0.0.0/8', '2001:db8::/32'] }\ncondition: s");
    expect(r({ ip: '10.1.2.3' })).toBe(true);
    expect(r({ ip: '11.1.2.3' })).toBe(false);
    expect(r({ ip: '2001:db8:1::5' })).toBe(true);
    expect(r({ ip: '2001:db9::5' })).toBe(false);
    expect(r({ ip: 'not an ip' })).toBe(false);
    expect(r({})).toBe(false);
  });

  it('exists, gt/gte/lt/lte, neq', () => {
    expect(rule('s: { f|exists: true }\ncondition: s')({ f: '' })).toBe(true);
    expect(rule('s: { f|exists: true }\ncondition: s')({})).toBe(false);
    expect(rule('s: { f|exists: false }\ncondition: s')({})).toBe(true);
    const gt = rule('s: { n|gt: 1000 }\ncondition: s');
    expect(gt({ n: 1001 })).toBe(true);
    expect(gt({ n: '1000' })).toBe(false);
    expect(gt({ n: 'abc' })).toBe(false);
    expect(rule('s: { n|lte: 5 }\ncondition: s')({ n: 5 })).toBe(true);
    expect(rule('s: { n|lt: 5 }\ncondition: s')({ n: 5 })).toBe(false);
    expect(rule('s: { n|gte: 2.5 }\ncondition: s')({ n: '2.5' })).toBe(true);
    const neq = rule('s: { m|neq: [GET, HEAD] }\ncondition: s');
    expect(neq({ m: 'POST' })).toBe(true);
    expect(neq({ m: 'get' })).toBe(false);
    expect(neq({})).toBe(true);
  });

  it('fieldref compares two fields of the same event', () => {
    const r = rule('s: { user.name|fieldref: target.name }\ncondition: s');
    expect(r({ 'user.name': 'Bob', 'target.name': 'bob' })).toBe(true);
    expect(r({ 'user.name': 'bob', 'target.name': 'alice' })).toBe(false);
    expect(r({ 'user.name': 'bob' })).toBe(false);
    const c = rule('s: { user.name|fieldref|cased: target.name }\ncondition: s');
    expect(c({ 'user.name': 'Bob', 'target.name': 'bob' })).toBe(false);
    const sw = rule('s: { path|fieldref|startswith: home }\ncondition: s');
    expect(sw({ path: '/home/bob/x', home: '/home/bob' })).toBe(true);
  });

  it('expand fills placeholders from config and names a missing one', () => {
    const r = rule("s: { user|expand: '%admins%' }\ncondition: s", { admins: ['root', 'adm*'] });
    expect(r({ user: 'root' })).toBe(true);
    expect(r({ user: 'admin2' })).toBe(true);
    expect(r({ user: 'bob' })).toBe(false);
    expect(() => rule("s: { user|expand: '%admins%' }\ncondition: s")).toThrow(
      /placeholder '%admins%' has no value/,
    );
  });

  it('rejects unknown modifiers and impossible combinations with a reason', () => {
    expect(() => rule('s: { f|foo: x }\ncondition: s')).toThrow(
      /unknown modifier 'foo' in 'f\|foo'/,
    );
    expect(() => rule('s: { f|re|cidr: x }\ncondition: s')).toThrow(
      /combines comparison modifiers re and cidr/,
    );
    expect(() => rule('s: { f|gt: abc }\ncondition: s')).toThrow(/expects a number, got 'abc'/);
    expect(() => rule("s: { f|cidr: '10.0.0.0/33' }\ncondition: s")).toThrow(/invalid CIDR/);
    expect(() => rule('s: { f|base64: "a*" }\ncondition: s')).toThrow(
      /cannot encode a value with wildcards/,
    );
    expect(() => rule('s: { f|i: x }\ncondition: s')).toThrow(/need the 're' modifier/);
  });
});
