/**
 * server.trust_proxy against real `logwarden serve`s and real HTTP requests: the dashboard's
 * login rate limit/lockout and the client.address of its own security events follow
 * X-Forwarded-For only when the TCP peer is a listed proxy. Without the setting (the default),
 * or from a peer not in the list, the header is ignored and the client is the peer.
 *
 * The untrusted peer is this same machine connecting from another loopback address
 * (127.0.0.2: the whole 127.0.0.0/8 is local on Linux), so no traffic leaves the host.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../review/dashboard-browser.js';
import { waitFor } from '../helpers/wait.js';
import { cleanupTemps, killAllServes, startServe, tempDir, type ServeProcess } from './helpers.js';
import { storedEvents, writeConfig } from './sources-helpers.js';

const PW = 'a-long-enough-passphrase';
// Three failures from one address lock it; users are never the limit here.
const DASHBOARD = { login_ip_max_failures: 3, login_max_failures: 100 };

let trustedDir: string;
let defaultDir: string;
let trusted: ServeProcess; // server.trust_proxy: [127.0.0.1]
let plain: ServeProcess; // no trust_proxy

beforeAll(async () => {
  trustedDir = tempDir('lw-tp-on-');
  defaultDir = tempDir('lw-tp-off-');
  for (const d of [trustedDir, defaultDir]) await createUser(d, 'ana', 'admin', PW);
  const on = writeConfig(trustedDir, {
    detection: { enabled: false },
    server: { trust_proxy: ['127.0.0.1'] },
    dashboard: DASHBOARD,
  });
  const off = writeConfig(defaultDir, { detection: { enabled: false }, dashboard: DASHBOARD });
  [trusted, plain] = await Promise.all([
    startServe({ dataDir: trustedDir, args: ['--config', on] }),
    startServe({ dataDir: defaultDir, args: ['--config', off] }),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.all([trusted?.stop(), plain?.stop()]);
  killAllServes();
  cleanupTemps();
});

/** POST /ui/api/login with node:http, so the request can leave from a chosen loopback address. */
async function login(
  base: string,
  user: string,
  opts: { xff?: string; proto?: string; from?: string; password?: string } = {},
): Promise<number> {
  return (await loginAnswer(base, user, opts)).status;
}

async function loginAnswer(
  base: string,
  user: string,
  opts: { xff?: string; proto?: string; from?: string; password?: string } = {},
): Promise<{ status: number; setCookie: string }> {
  const url = new URL('/ui/api/login', base);
  const body = JSON.stringify({ user, password: opts.password ?? 'wrong-password-here' });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  };
  if (opts.xff !== undefined) headers['x-forwarded-for'] = opts.xff;
  if (opts.proto !== undefined) headers['x-forwarded-proto'] = opts.proto;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers,
        agent: false,
        ...(opts.from ? { localAddress: opts.from } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            setCookie: ([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The client.address of each stored dashboard login failure for `user` (security events). */
async function failureAddresses(dir: string, user: string, n: number): Promise<string[]> {
  return waitFor(async () => {
    const evs = (await storedEvents(dir)).filter(
      (e) => e.event['event.name'] === 'authn_login_fail' && e.event['user.id'] === user,
    );
    return evs.length >= n && evs.map((e) => String(e.event['client.address']));
  }, `${n} authn_login_fail events for ${user}`);
}

describe('server.trust_proxy', () => {
  it('from a trusted proxy: the X-Forwarded-For client is recorded and rate-limited on its own', async () => {
    expect(await login(trusted.url, 'tp-a', { xff: '203.0.113.7' })).toBe(401);
    expect(await failureAddresses(trustedDir, 'tp-a', 1)).toEqual(['203.0.113.7']);
    // Two more failures lock 203.0.113.7 out...
    expect(await login(trusted.url, 'tp-a', { xff: '203.0.113.7' })).toBe(401);
    expect(await login(trusted.url, 'tp-a', { xff: '203.0.113.7' })).toBe(401);
    expect(await login(trusted.url, 'tp-a', { xff: '203.0.113.7' })).toBe(429);
    // ...and nobody else behind the same proxy.
    expect(await login(trusted.url, 'tp-b', { xff: '198.51.100.8' })).toBe(401);
    expect(await login(trusted.url, 'ana', { xff: '198.51.100.8', password: PW })).toBe(200);
    expect(await failureAddresses(trustedDir, 'tp-b', 1)).toEqual(['198.51.100.8']);
  });

  it('takes the last hop not in the list: addresses a client wrote in front are not believed', async () => {
    // The client sent "X-Forwarded-For: 192.0.2.66"; the proxy appended the address it saw.
    expect(await login(trusted.url, 'tp-chain', { xff: '192.0.2.66, 203.0.113.50' })).toBe(401);
    expect(await failureAddresses(trustedDir, 'tp-chain', 1)).toEqual(['203.0.113.50']);
  });

  it("believes the trusted proxy's X-Forwarded-Proto for the session cookie's Secure flag", async () => {
    const via = await loginAnswer(trusted.url, 'ana', {
      xff: '198.51.100.9',
      proto: 'https',
      password: PW,
    });
    expect(via.status).toBe(200);
    expect(via.setCookie).toMatch(/^__Host-.*; Secure/);
    const direct = await loginAnswer(plain.url, 'ana', {
      xff: '198.51.100.9',
      proto: 'https',
      password: PW,
    });
    expect(direct.status).toBe(200);
    expect(direct.setCookie).not.toMatch(/Secure|__Host-/);
  });

  it('from a peer not in the list: the header is ignored and the peer is the client', async () => {
    const st = await login(trusted.url, 'tp-untrusted', { xff: '203.0.113.77', from: '127.0.0.2' });
    expect(st).toBe(401);
    expect(await failureAddresses(trustedDir, 'tp-untrusted', 1)).toEqual(['127.0.0.2']);
  });

  it('without the setting (default): the header is ignored, and all failures count against the peer', async () => {
    for (const xff of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
      expect(await login(plain.url, 'off-a', { xff })).toBe(401);
    expect(await failureAddresses(defaultDir, 'off-a', 3)).toEqual([
      '127.0.0.1',
      '127.0.0.1',
      '127.0.0.1',
    ]);
    // A fourth "different" forwarded client is the same locked peer.
    expect(await login(plain.url, 'off-b', { xff: '203.0.113.4' })).toBe(429);
  });
});
