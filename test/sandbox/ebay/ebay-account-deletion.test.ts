import { createPublicKey, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { EBayAccessDenied, EBayApiError } from 'ebay-api/lib/errors/index.js';
import { EBAY_SCOPES } from '../../../src/sandbox/ebay';
import { failure, fixture, fixtureText, sellerClient, startHarness, type Harness } from './ebay-sim-harness';

/**
 * What a receiver does with eBay's X-EBAY-SIGNATURE using nothing but node:crypto (reference §3.4): decode
 * the header, load the one-line PEM as DER SPKI, verify ECDSA/SHA-1 over the compact JSON of the body.
 */
function verifyEbaySignature(rawBody: string, header: string, publicKey: { key: string }): boolean {
  const { signature, alg, digest } = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Record<
    string,
    string
  >;
  if (alg.toLowerCase() !== 'ecdsa' || digest !== 'SHA1') return false;
  const der = publicKey.key.replace('-----BEGIN PUBLIC KEY-----', '').replace('-----END PUBLIC KEY-----', '');
  const key = createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' });
  return verify('sha1', Buffer.from(JSON.stringify(JSON.parse(rawBody))), key, Buffer.from(signature, 'base64'));
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('eBay simulator: Marketplace Account Deletion', () => {
  let h: Harness;
  let receiver: https.Server;
  let targetUrl: string;
  let received: Received[];
  let answer: number;

  beforeEach(async () => {
    h = await startHarness();
    received = [];
    answer = 204;
    // The product's endpoint stands in here as an HTTPS server on loopback, certified by the same CA.
    receiver = https.createServer({ cert: h.tls.certPem, key: h.tls.keyPem }, (req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    targetUrl = `https://127.0.0.1:${(receiver.address() as AddressInfo).port}/ebay/account-deletion`;
  });
  afterEach(async () => {
    await new Promise<void>((r) => receiver.close(() => r()));
    await h.close();
  });

  const user = { username: 'ovsim_anna', userId: 'ma8vp1jySJC', eiasToken: 'nY+sHZ2PrBmdj6wVnY+seQ==' };

  it('signs the notification so that plain node:crypto verifies it with the key from getPublicKey', async () => {
    const status = await h.sim.sendAccountDeletion(targetUrl, user);

    expect(status).toBe(204);
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received;
    expect(headers['content-type']).toBe('application/json');
    const payload = JSON.parse(body);
    expect(body).toBe(JSON.stringify(payload)); // compact JSON: the signed bytes are the body
    expect(payload).toEqual({
      metadata: { topic: 'MARKETPLACE_ACCOUNT_DELETION', schemaVersion: '1.0', deprecated: false },
      notification: {
        notificationId: expect.stringMatching(/^[0-9a-f-]{36}_[0-9a-f-]{36}$/),
        eventDate: '2026-11-20T12:00:00.000Z',
        publishDate: '2026-11-20T12:00:00.000Z',
        publishAttemptCount: 1,
        data: user,
      },
    });
    const decoded = JSON.parse(Buffer.from(String(headers['x-ebay-signature']), 'base64').toString('utf8'));
    expect(Object.keys(decoded)).toEqual(['alg', 'kid', 'signature', 'digest']);
    expect(decoded).toMatchObject({ alg: 'ecdsa', kid: h.sim.publicKeyId, digest: 'SHA1' });

    // The key comes through the real client with an application token (client_credentials).
    const app = h.client({ scope: null });
    const publicKey = await app.commerce.notification.getPublicKey(decoded.kid);
    expect(Object.keys(publicKey).sort()).toEqual(
      Object.keys(fixture('notification.getPublicKey.response.json')).sort(),
    );
    expect(publicKey).toMatchObject({ algorithm: 'ECDSA', digest: 'SHA1' });
    expect(publicKey.key).toMatch(/^-----BEGIN PUBLIC KEY-----[A-Za-z0-9+/=]+-----END PUBLIC KEY-----$/);
    // Like eBay's, the one-line PEM is not loadable as-is (reference §3.4 step 3).
    expect(() => createPublicKey(publicKey.key)).toThrow();
    expect(h.sim.tokenCalls.map((c) => [c.grantType, c.scopes])).toEqual([['client_credentials', [EBAY_SCOPES.api]]]);

    expect(verifyEbaySignature(body, String(headers['x-ebay-signature']), publicKey)).toBe(true);
    expect(
      verifyEbaySignature(body.replace('ovsim_anna', 'ovsim_anne'), String(headers['x-ebay-signature']), publicKey),
    ).toBe(false);
    expect(h.sim.sentNotifications).toEqual([
      {
        at: '2026-11-20T12:00:00.000Z',
        targetUrl,
        notificationId: payload.notification.notificationId,
        signature: 'valid',
        status: 204,
      },
    ]);
  });

  it('can corrupt the signature, name an unknown kid, or omit the header, and reports the status answered', async () => {
    const publicKey = await h.client({ scope: null }).commerce.notification.getPublicKey(h.sim.publicKeyId);
    answer = 412; // what eBay's SDK answers on a signature mismatch

    expect(await h.sim.sendAccountDeletion(targetUrl, user, { signature: 'corrupt', publishAttemptCount: 3 })).toBe(
      412,
    );
    expect(await h.sim.sendAccountDeletion(targetUrl, user, { signature: 'unknown-kid' })).toBe(412);
    expect(await h.sim.sendAccountDeletion(targetUrl, user, { signature: 'missing' })).toBe(412);

    const [corrupt, unknownKid, missing] = received;
    expect(JSON.parse(corrupt.body).notification.publishAttemptCount).toBe(3);
    expect(verifyEbaySignature(corrupt.body, String(corrupt.headers['x-ebay-signature']), publicKey)).toBe(false);
    const kid = JSON.parse(Buffer.from(String(unknownKid.headers['x-ebay-signature']), 'base64').toString('utf8')).kid;
    expect(kid).not.toBe(h.sim.publicKeyId);
    expect(missing.headers).not.toHaveProperty('x-ebay-signature');

    const error = await failure(h.client({ scope: null }).commerce.notification.getPublicKey(kid));
    expect(error).toBeInstanceOf(EBayApiError);
    expect(error.meta.res.status).toBe(404);
    expect(error.meta.res.data).toEqual({
      errors: [
        {
          errorId: 195001,
          domain: 'API_NOTIFICATION',
          category: 'REQUEST',
          message: 'The specified key id is invalid.',
        },
      ],
    });
  });

  it('refuses getPublicKey to a token without https://api.ebay.com/oauth/api_scope', async () => {
    const seller = h.sim.addSeller({ scopes: [EBAY_SCOPES.fulfillmentReadonly] });
    const eBay = sellerClient(h, seller.refreshToken, [EBAY_SCOPES.fulfillmentReadonly]);
    const error = await failure(eBay.commerce.notification.getPublicKey(h.sim.publicKeyId));
    expect(error).toBeInstanceOf(EBayAccessDenied);
    expect([error.meta.res.status, error.errorCode]).toEqual([403, 1100]);
  });

  it("reproduces eBay's published SDK test vector with the same node:crypto verifier", () => {
    const vectors = fixture<Record<string, { signature: string; message: unknown; response: { key: string } }>>(
      'account-deletion.sdk-test-vectors.json',
    );
    const valid = vectors.VALID;
    const compact = fixtureText('account-deletion.notification.compact.txt').trim();
    expect(JSON.stringify(valid.message)).toBe(compact);
    expect(verifyEbaySignature(compact, valid.signature, valid.response)).toBe(true);
    expect(
      verifyEbaySignature(
        JSON.stringify(vectors.SIGNATURE_MISMATCH.message),
        vectors.SIGNATURE_MISMATCH.signature,
        valid.response,
      ),
    ).toBe(false);
    // Our header has the vector's structure: base64 of {alg, kid, signature, digest}.
    const vectorHeader = JSON.parse(Buffer.from(valid.signature, 'base64').toString('utf8'));
    expect(Object.keys(vectorHeader)).toEqual(['alg', 'kid', 'signature', 'digest']);
    expect(vectorHeader).toMatchObject({ alg: 'ecdsa', digest: 'SHA1' });
  });
});
