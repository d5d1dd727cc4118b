import { describe, expect, it } from 'vitest';
import { isLoopbackHost, planProbe } from './plan.js';
import { PROBE_SHAPES } from './shapes.js';

describe('probe plan: scope guard and bounds', () => {
  it('accepts loopback targets only by default', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', 'localhost', '[::1]'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['10.0.0.1', 'example.com', '128.0.0.1', 'localhost.example.com', '::2'])
      expect(isLoopbackHost(h), h).toBe(false);
    expect(() => planProbe({ target: 'http://example.com/' })).toThrow(
      /not loopback.*--authorize example.com/,
    );
    expect(() => planProbe({ target: 'http://10.1.2.3:8080/' })).toThrow(/--authorize 10.1.2.3/);
  });

  it('--authorize must name the host exactly', () => {
    expect(() =>
      planProbe({ target: 'https://shop.example.com/', authorize: ['example.com'] }),
    ).toThrow(/not loopback/);
    expect(() =>
      planProbe({ target: 'https://shop.example.com/', authorize: ['SHOP.example.com'] }),
    ).not.toThrow();
  });

  it('refuses other schemes, credentials in the URL and plans beyond the caps', () => {
    expect(() => planProbe({ target: 'ftp://127.0.0.1/' })).toThrow(/only http and https/);
    expect(() => planProbe({ target: 'http://u:p@127.0.0.1/' })).toThrow(/credentials/);
    expect(() => planProbe({ target: 'not a url' })).toThrow(/not a URL/);
    expect(() => planProbe({ target: 'http://127.0.0.1/', rate: 51 })).toThrow(
      /--rate 51.*1 to 50/,
    );
    expect(() => planProbe({ target: 'http://127.0.0.1/', burst: 201 })).toThrow(/--burst/);
    expect(() => planProbe({ target: 'http://127.0.0.1/', burst: 100, maxRequests: 50 })).toThrow(
      /needs 110 requests, more than --max-requests 50/,
    );
    expect(() => planProbe({ target: 'http://127.0.0.1/', only: ['nuke'] })).toThrow(
      /--only nuke: unknown probe/,
    );
    expect(() => planProbe({ target: 'http://127.0.0.1/', loginPath: 'login' })).toThrow(
      /--login-path/,
    );
  });

  it('tags every request of a probe with its own canary, login fields configurable', () => {
    const plan = planProbe({
      target: 'http://127.0.0.1:8081/app',
      loginPath: '/api/session',
      userField: 'username',
    });
    expect(plan.probes.map((p) => p.shape.name)).toEqual(PROBE_SHAPES.map((s) => s.name));
    expect(new Set(plan.probes.map((p) => p.canary)).size).toBe(plan.probes.length);
    for (const p of plan.probes)
      for (const r of p.requests) {
        expect(r.headers['x-logwarden-probe']).toBe(p.canary);
        expect(r.url + JSON.stringify(r.headers) + (r.body ?? '')).toContain(p.canary);
        expect(r.url.startsWith('http://127.0.0.1:8081/app/')).toBe(true);
      }
    const login = plan.probes.find((p) => p.shape.name === 'failed_logins')!;
    expect(login.requests[0]!.url).toBe('http://127.0.0.1:8081/app/api/session');
    expect(JSON.parse(login.requests[0]!.body!)).toHaveProperty('username');
    const trav = plan.probes.find((p) => p.shape.name === 'path_traversal')!;
    expect(trav.requests[0]!.url).toContain('..%2f'); // not normalized away
    expect(plan.probes.find((p) => p.shape.name === 'not_found_burst')!.requests).toHaveLength(30);
    expect(plan.total).toBe(40);
  });
});
