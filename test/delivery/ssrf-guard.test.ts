import axios from 'axios';
import { createServer, type Server, type Socket } from 'node:net';
import { ConfigError, loadConfig } from '../../src/config';
import { blockedRangeOf } from '../../src/delivery/outbound/ip-ranges';
import { BlockedAddressError, WebhookTargetGuard } from '../../src/delivery/outbound/target-guard';
import { createWebhookAgents } from '../../src/delivery/outbound/webhook-agents';
import { DomainError } from '../../src/platform/errors/domain-error';
import { testConfig } from '../support/test-config';
import { TableResolver } from './support/table-resolver';

const guardWith = (resolver: TableResolver, allowPrivateNetworks = false) =>
  new WebhookTargetGuard(testConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: String(allowPrivateNetworks) }), resolver);

async function refusal(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (err) {
    if (err instanceof DomainError) return `${err.code}: ${err.details.map((d) => d.issue).join('; ')}`;
    throw err;
  }
  return 'accepted';
}

describe('webhook target guard (SSRF)', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link_local'],
    ['100.64.0.1', 'shared_cgnat'],
    ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fd00::1', 'unique_local'],
    ['fc12:3456::1', 'unique_local'],
    ['fd00:ec2::254', 'metadata'],
    ['fe80::1', 'link_local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2001:db8::1', 'documentation'],
    ['not-an-address', 'reserved'],
    ['fe80::1%eth0', 'reserved'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(blockedRangeOf(address)).toBe(kind);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'lets the public address %s through',
    (address) => {
      expect(blockedRangeOf(address)).toBeNull();
    },
  );

  it('refuses endpoint URLs whose host is, or resolves to, a non-public address', async () => {
    const resolver = new TableResolver({
      'public.example': ['93.184.216.34'],
      'internal.example': ['10.1.2.3'],
      'metadata.example': ['169.254.169.254'],
      'mixed.example': ['93.184.216.34', '127.0.0.1'],
      'v6only.example': ['fd00::5'],
    });
    const guard = guardWith(resolver);
    const verdict = (raw: string) => refusal(() => guard.check(guard.parse(raw)));
    const table: Record<string, string> = {};
    for (const url of [
      'https://10.0.0.1/hook',
      'https://127.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/hook',
      'https://[fd00::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://100.64.0.1/hook',
      'https://0x7f.1/hook', // WHATWG URL parsing turns this into 127.0.0.1
      'https://internal.example/hook',
      'https://metadata.example/hook',
      'https://mixed.example/hook',
      'https://v6only.example/hook',
      'https://nowhere.example/hook',
      'http://public.example/hook',
      'https://user:pass@public.example/hook',
      'https://public.example/hook#frag',
      'ftp://public.example/hook',
      'https://public.example:8443/hooks/orders?tenant=1',
    ]) {
      table[url] = await verdict(url);
    }
    expect(table).toEqual({
      'https://10.0.0.1/hook': expect.stringMatching(/private address/),
      'https://127.0.0.1/hook': expect.stringMatching(/loopback address/),
      'https://169.254.169.254/latest/meta-data/': expect.stringMatching(/metadata address/),
      'https://[::1]/hook': expect.stringMatching(/loopback address/),
      'https://[fd00::1]/hook': expect.stringMatching(/unique local address/),
      'https://[::ffff:127.0.0.1]/hook': expect.stringMatching(/loopback address/),
      'https://100.64.0.1/hook': expect.stringMatching(/shared cgnat address/),
      'https://0x7f.1/hook': expect.stringMatching(/loopback address/),
      'https://internal.example/hook': expect.stringMatching(/private address/),
      'https://metadata.example/hook': expect.stringMatching(/metadata address/),
      'https://mixed.example/hook': expect.stringMatching(/loopback address/),
      'https://v6only.example/hook': expect.stringMatching(/unique local address/),
      'https://nowhere.example/hook': expect.stringMatching(/does not resolve/),
      'http://public.example/hook': expect.stringMatching(/must use https/),
      'https://user:pass@public.example/hook': expect.stringMatching(/credentials/),
      'https://public.example/hook#frag': expect.stringMatching(/fragment/),
      'ftp://public.example/hook': expect.stringMatching(/must use https/),
      'https://public.example:8443/hooks/orders?tenant=1': 'accepted',
    });
    // Literals are judged without asking DNS.
    expect(resolver.asked).not.toContain('10.0.0.1');
  });

  it('allows private addresses and plain HTTP only when configured to, and never in production', async () => {
    const open = guardWith(new TableResolver({}), true);
    expect(await refusal(() => open.check(open.parse('http://127.0.0.1:9/hook')))).toBe('accepted');
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        ORDERVAULT_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
        DATABASE_URL: 'postgres://x@h/db',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      }),
    ).toThrow(ConfigError);
    expect(
      loadConfig({
        NODE_ENV: 'production',
        ORDERVAULT_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
        DATABASE_URL: 'postgres://x@h/db',
      }).delivery.allowPrivateNetworks,
    ).toBe(false);
  });

  describe('at connect time', () => {
    let server: Server;
    let port: number;
    let connections = 0;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      server = createServer((socket) => {
        connections++;
        sockets.add(socket);
        socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('refuses a name that resolved public when saved and private when connecting (DNS rebinding)', async () => {
      const resolver = new TableResolver({ 'rebind.example': [['93.184.216.34'], ['127.0.0.1']] });
      const guard = guardWith(resolver);
      const url = guard.parse(`https://rebind.example:${port}/hook`);
      await guard.check(url); // saved: public then
      const agents = createWebhookAgents(guard, { maxIdleSocketsPerOrigin: 2 });
      const before = connections;
      let failure: unknown;
      try {
        await axios.post(url.toString(), '{}', { httpsAgent: agents.httpsAgent, proxy: false, maxRedirects: 0 });
      } catch (err) {
        failure = err;
      } finally {
        agents.destroy();
      }
      expect((failure as { cause?: unknown })?.cause ?? failure).toBeInstanceOf(BlockedAddressError);
      expect(connections).toBe(before);
      expect(resolver.asked).toEqual(['rebind.example', 'rebind.example']);
    });

    it('connects to the address it checked when private networks are allowed (the same path, not refused)', async () => {
      const resolver = new TableResolver({ 'receiver.test': ['127.0.0.1'] });
      const guard = guardWith(resolver, true);
      const agents = createWebhookAgents(guard, { maxIdleSocketsPerOrigin: 2 });
      const before = connections;
      try {
        const res = await axios.post(`http://receiver.test:${port}/hook`, '{}', {
          httpAgent: agents.httpAgent,
          proxy: false,
          maxRedirects: 0,
        });
        expect(res.status).toBe(204);
      } finally {
        agents.destroy();
      }
      expect(connections).toBe(before + 1);
    });

    it('refuses an IP-literal target before sending (Node skips lookup for literals)', () => {
      const guard = guardWith(new TableResolver({}));
      expect(() => guard.assertLiteralAllowed(new URL(`https://127.0.0.1:${port}/`))).toThrow(BlockedAddressError);
      expect(() => guard.assertLiteralAllowed(new URL('https://[::ffff:a9fe:a9fe]/'))).toThrow(BlockedAddressError);
      expect(() => guard.assertLiteralAllowed(new URL('https://93.184.216.34/'))).not.toThrow();
    });
  });
});
