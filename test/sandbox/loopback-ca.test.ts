import * as https from 'node:https';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createLoopbackTls } from '../../src/sandbox/tls/loopback-ca';

async function fetchAs(port: number, host: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        servername: host,
        headers: { host },
        ca,
        checkServerIdentity: (_h, cert) => tls.checkServerIdentity(host, cert),
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('loopback CA', () => {
  it('serves the marketplace host names and nothing else, verified against the generated CA', async () => {
    const t = await createLoopbackTls();
    const server = https.createServer({ cert: t.certPem, key: t.keyPem }, (req, res) =>
      res.end(`host=${req.headers.host}`),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(fetchAs(port, 'sellingpartnerapi-eu.amazon.com', t.caPem)).resolves.toBe(
        'host=sellingpartnerapi-eu.amazon.com',
      );
      await expect(fetchAs(port, 'api.ebay.com', t.caPem)).resolves.toBe('host=api.ebay.com');
      await expect(fetchAs(port, 'attacker.example.com', t.caPem)).rejects.toThrow(/altnames/);
      const other = await createLoopbackTls();
      await expect(fetchAs(port, 'api.amazon.com', other.caPem)).rejects.toThrow();
    } finally {
      server.close();
    }
  });
});
