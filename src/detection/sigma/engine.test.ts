import { describe, expect, it } from 'vitest';
import { createSigmaEngine } from './engine.js';
import { createEventView } from './event-view.js';
import { loadSigmaText } from './loader.js';
import { runRuleTests } from './rule-tests.js';

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);

const WEB = `title: SQLi in web request
id: 00000000-0000-0000-0000-000000000001
level: high
tags: [attack.t1190]
logsource: { category: webserver }
detection:
  sel:
    cs-method: GET
    cs-uri-query|contains: 'union select'
  status:
    sc-status: 200
  condition: sel and status
`;
const SSHD = `title: sshd crypto error
id: 00000000-0000-0000-0000-000000000002
logsource: { product: linux, service: sshd }
detection:
  keywords: ['error in libcrypto']
  condition: keywords
`;
const PROC = `title: Process rule
logsource: { product: linux, category: process_creation }
detection:
  sel: { Image|endswith: /nc }
  condition: sel
`;

const http = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  'event.name': 'http_request',
  'http.request.method': 'GET',
  'url.path': '/items',
  'url.query': 'id=1 UNION SELECT password FROM users',
  'http.response.status_code': 200,
  'client.address': '203.0.113.9',
  'log.format': 'combined',
  ...over,
});

describe('createSigmaEngine', () => {
  it('maps our schema to the webserver taxonomy and reports rule, level, tags and fields', () => {
    const engine = createSigmaEngine({
      rules: loadSigmaText(WEB + '---\n' + SSHD + '---\n' + PROC),
    });
    const [m, ...rest] = engine.process(http(), T0);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({
      ruleId: '00000000-0000-0000-0000-000000000001',
      title: 'SQLi in web request',
      level: 'high',
      tags: ['attack.t1190'],
      kind: 'rule',
      timeMs: T0,
      fields: {
        'cs-method': 'GET',
        'sc-status': 200,
        'cs-uri-query': '/items?id=1 UNION SELECT password FROM users',
      },
    });
    expect(engine.process(http({ 'http.response.status_code': 404 }), T0)).toEqual([]);
    expect(engine.process(http({ 'url.query': 'id=1' }), T0)).toEqual([]);
    const s = engine.stats();
    expect(s.rulesInactive).toBe(1);
    expect(s.rulesActive).toBe(2);
    // Only the webserver rule ran, and the literal prefilter skipped it on the event whose
    // query lacks 'union select'.
    expect(s.ruleEvaluations).toBe(2);
  });

  it('runs sshd rules only on sshd lines, keyword search on the raw line', () => {
    const engine = createSigmaEngine({ rules: loadSigmaText(SSHD) });
    const line = 'Nov 27 09:00:00 host sshd[42]: error in libcrypto: bad thing';
    const sshd = {
      'event.name': 'log',
      'log.format': 'syslog',
      'log.original': line,
      attributes: { 'process.name': 'sshd' },
    };
    expect(engine.process(sshd, T0)).toHaveLength(1);
    const other = { ...sshd, attributes: { 'process.name': 'cron' } };
    expect(engine.process(other, T0)).toHaveLength(0);
    expect(engine.process({ ...http(), 'log.original': line }, T0)).toHaveLength(0);
  });

  it('lets users override field mappings and keyword fields', () => {
    const rule = loadSigmaText(
      `title: host rule\nlogsource: { category: proxy }\ndetection:\n  sel: { r-dns: evil.example }\n  condition: sel\n`,
    );
    const plain = createSigmaEngine({ rules: rule });
    expect(plain.process(http({ 'server.address': 'evil.example' }), T0)).toHaveLength(1);
    const custom = createSigmaEngine({
      rules: rule,
      fieldMappings: { proxy: { 'r-dns': ['attributes.dest'] } },
    });
    expect(custom.process(http({ 'server.address': 'evil.example' }), T0)).toHaveLength(0);
    expect(custom.process(http({ attributes: { dest: 'EVIL.example' } }), T0)).toHaveLength(1);
  });

  it('generate: false keeps referenced rules quiet but feeds the correlation; generate: true lets them alert', () => {
    const base = `title: Failed login
name: failed_login
logsource: { product: logwarden }
detection:
  sel: { event.name: authn_login_fail }
  condition: sel
`;
    const corr = (generate: string): string => `title: Brute force
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [client.address]
  timespan: 1m
  condition: { gte: 3 }
${generate}`;
    const fail = (i: number, ip = '198.51.100.7'): Record<string, unknown> => ({
      'event.name': 'authn_login_fail',
      'client.address': ip,
      'user.name': `u${i}`,
    });
    for (const [gen, perEvent] of [
      ['', 0],
      ['  generate: true\n', 1],
    ] as const) {
      const engine = createSigmaEngine({ rules: loadSigmaText(base + '---\n' + corr(gen)) });
      const out = [0, 1, 2].flatMap((i) => engine.process(fail(i), T0 + i * 1000));
      expect(out.filter((m) => m.kind === 'rule')).toHaveLength(3 * perEvent);
      const c = out.filter((m) => m.kind === 'correlation');
      expect(c).toHaveLength(1);
      expect(c[0]).toMatchObject({
        title: 'Brute force',
        groupKey: { 'client.address': '198.51.100.7' },
        count: 3,
        firstMs: T0,
        lastMs: T0 + 2000,
      });
      expect(c[0]!.events).toHaveLength(3);
      expect(engine.stats().ruleMatchesSuppressed).toBe(perEvent === 0 ? 3 : 0);
    }
  });

  it('refuses correlations that reference unknown rules or loop', () => {
    const c = (name: string, ref: string): string =>
      `title: ${name}\nname: ${name}\ncorrelation:\n  type: event_count\n  rules: [${ref}]\n  timespan: 1m\n  condition: { gte: 1 }\n`;
    expect(() => createSigmaEngine({ rules: loadSigmaText(c('a', 'nope')) })).toThrow(
      /references rule 'nope', which is not loaded/,
    );
    expect(() =>
      createSigmaEngine({ rules: loadSigmaText(c('a', 'b') + '---\n' + c('b', 'a')) }),
    ).toThrow(/loop/);
  });

  it('serves OWASP categories of our own events as logwarden logsources', () => {
    const rule = loadSigmaText(
      `title: any authn failure\nlogsource: { product: logwarden, category: authn }\ndetection:\n  sel: { event.outcome: failure }\n  condition: sel\n`,
    );
    const engine = createSigmaEngine({ rules: rule });
    const ev = { 'event.name': 'authn_login_fail', 'event.outcome': 'failure' };
    expect(engine.process({ ...ev, 'event.category': 'authn' }, T0)).toHaveLength(1);
    expect(engine.process({ ...ev, 'event.category': 'authz' }, T0)).toHaveLength(0);
  });

  it('loads rule texts with placeholders', () => {
    const text = `title: admin login\nlogsource: { product: logwarden }\ndetection:\n  sel: { user.name|expand: '%admins%' }\n  condition: sel\n`;
    const engine = createSigmaEngine({
      rules: [{ text, file: 'admins.yml' }],
      placeholders: { admins: ['root', 'admin'] },
    });
    expect(
      engine.process({ 'event.name': 'authn_login_success', 'user.name': 'ROOT' }, T0),
    ).toHaveLength(1);
    expect(() => createSigmaEngine({ rules: [{ text, file: 'admins.yml' }] })).toThrow(
      /admins\.yml.*placeholder '%admins%' has no value/s,
    );
  });
});

describe('dispatch plans', () => {
  // Rules over the three dispatch-key fields (decided once per plan) mixed with other fields,
  // under and/or/not and 1-of/all-of, run through matchRules on events of every kind of key
  // value (strings, absent, numbers, arrays, null and 'null'): the hits must be what each rule's own
  // match() says on the event.
  const RULES = [
    `sel: { event.name: login_fail, user.name: root }\n  condition: sel`,
    `sel: { event.name|startswith: login }\n  filter: { log.format: syslog }\n  condition: sel and not filter`,
    `a: { event.category: authn }\n  b: { client.address|exists: true }\n  condition: a or b`,
    `s_1: { event.name: [login_fail, LOGIN_OK] }\n  s_2: { log.format: '5' }\n  condition: 1 of s_*`,
    `s_1: { event.name: login_fail }\n  s_2: { event.category: null }\n  condition: all of s_*`,
    `sel: { event.name: login_fail, log.format: json, event.category: authn }\n  condition: not sel`,
    `sel:\n    - { event.name: login_ok }\n    - { user.name|contains: oo }\n  condition: sel`,
    `sel: { event.name|fieldref: user.name }\n  condition: sel`,
  ].map(
    (d, i) => `title: r${i}\nname: r${i}\nlogsource: { product: logwarden }\ndetection:\n  ${d}\n`,
  );

  it('give the hits of each rule on its own, whatever the key fields hold', () => {
    const rules = loadSigmaText(RULES.join('---\n'));
    const engine = createSigmaEngine({ rules });
    const names = ['login_fail', 'Login_OK', 'other', undefined, 5, ['login_fail'], null];
    const formats = ['syslog', 'json', 5, '5', undefined];
    const categories = ['authn', undefined, null, ['authn'], 'null'];
    const users = ['root', 'login_fail', undefined];
    let checked = 0;
    let hits = 0;
    // Twice over, so that the second pass runs on plans built by the first.
    for (let pass = 0; pass < 2; pass++)
      for (const name of names)
        for (const format of formats)
          for (const category of categories)
            for (const user of users) {
              const ev: Record<string, unknown> = {
                'event.name': name,
                'log.format': format,
                'event.category': category,
                'user.name': user,
                ...(user === 'root' ? { 'client.address': '198.51.100.1' } : {}),
              };
              const got: number[] = [];
              engine.matchRules(ev, (r) => got.push(r));
              const view = createEventView((f) => ev[f], []);
              const want = engine.detectionRules.flatMap((r, i) => (r.match(view) ? [i] : []));
              expect(got, JSON.stringify(ev)).toEqual(want);
              checked++;
              hits += got.length;
            }
    expect(checked).toBe(2 * 7 * 5 * 5 * 3);
    expect(hits).toBeGreaterThan(checked / 2);
  });
});

describe('runRuleTests', () => {
  it('runs the tests a rule carries and reports failures', () => {
    const text = `${WEB}tests:
  - name: sqli hits
    event: { event.name: http_request, http.request.method: GET, url.path: /a, url.query: "x=1 union select 1", http.response.status_code: 200 }
    match: true
  - name: benign passes
    event: { event.name: http_request, http.request.method: GET, url.path: /a, url.query: "x=1", http.response.status_code: 200 }
    match: false
  - name: deliberately wrong expectation
    event: { event.name: http_request, http.request.method: GET, url.path: /a, url.query: "x=1", http.response.status_code: 200 }
    match: true
`;
    const results = runRuleTests(loadSigmaText(text)[0]!);
    expect(results.map((r) => r.passed)).toEqual([true, true, false]);
    expect(results[2]!.message).toMatch(
      /FAIL: .*deliberately wrong expectation: expected a match, got none/,
    );
  });
});
