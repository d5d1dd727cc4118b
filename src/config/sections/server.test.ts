import { describe, expect, it } from 'vitest';
import { parseConfig } from '../index.js';

function errorOf(server: Record<string, unknown>, env: Record<string, string> = {}): string {
  try {
    parseConfig({ version: 1, server }, { origin: 'lw.yaml', env });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('server.trust_proxy', () => {
  it('is empty (off) by default', () => {
    expect(parseConfig({ version: 1 }, { origin: 'x', env: {} }).config.server.trust_proxy).toEqual(
      [],
    );
  });

  it('accepts addresses, CIDRs and the loopback/linklocal/uniquelocal names', () => {
    const list = ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', '192.0.2.0/24', 'loopback'];
    const c = parseConfig({ version: 1, server: { trust_proxy: list } }, { origin: 'x', env: {} });
    expect(c.config.server.trust_proxy).toEqual(list);
    const fromEnv = parseConfig(
      { version: 1 },
      { origin: 'x', env: { LOGWARDEN_SERVER__TRUST_PROXY: '["10.1.2.3"]' } },
    );
    expect(fromEnv.config.server.trust_proxy).toEqual(['10.1.2.3']);
  });

  it('names each bad entry and what was expected', () => {
    const m = errorOf({ trust_proxy: ['10.0.0.0/8', 'proxy.internal', '10.0.0.0/33', '::1/200'] });
    expect(m).toContain('lw.yaml: server.trust_proxy.1: "proxy.internal": expected an IP address');
    expect(m).toContain(
      'server.trust_proxy.2: "10.0.0.0/33": the prefix length must be a number from 1 to 32',
    );
    expect(m).toContain(
      'server.trust_proxy.3: "::1/200": the prefix length must be a number from 1 to 128',
    );
    expect(m).not.toContain('trust_proxy.0');
  });

  it('refuses a /0 prefix as Fastify would when the server starts, and ambiguous addresses', () => {
    const m = errorOf({
      trust_proxy: ['0.0.0.0/0', '::/0', '010.0.0.1', 'fe80::1%eth0', '::ffff:10.0.0.0/104'],
    });
    expect(m).toContain(
      'server.trust_proxy.0: "0.0.0.0/0": the prefix length must be a number from 1 to 32',
    );
    expect(m).toContain(
      'server.trust_proxy.1: "::/0": the prefix length must be a number from 1 to 128',
    );
    expect(m).toContain('server.trust_proxy.2: "010.0.0.1": expected an IP address');
    expect(m).toContain('server.trust_proxy.3: "fe80::1%eth0": expected an IP address');
    expect(m).not.toContain('trust_proxy.4');
  });

  it('refuses `true` (trust every peer) with the expected shape', () => {
    expect(errorOf({ trust_proxy: true })).toMatch(
      /server\.trust_proxy: expected a list of proxy addresses or CIDRs/,
    );
  });
});
