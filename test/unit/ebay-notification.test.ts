import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  challengeResponse,
  NotificationRefused,
  parseNotification,
  parseSignatureHeader,
  publicKeyFromEbay,
  verifyNotificationSignature,
} from '../../src/rights/ebay-deletion/ebay-notification';

const EXAMPLES = path.join(__dirname, '../fixtures/ebay/account-deletion');
const read = (name: string) => readFileSync(path.join(EXAMPLES, name), 'utf8');

describe('eBay account deletion wire rules', () => {
  it('answers every challenge vector of the reference', () => {
    const { vectors } = JSON.parse(read('account-deletion.challenge.example.json')) as {
      vectors: Array<{ challengeCode: string; verificationToken: string; endpoint: string; challengeResponse: string }>;
    };
    expect(vectors.length).toBeGreaterThanOrEqual(2);
    for (const v of vectors) {
      expect(challengeResponse(v.challengeCode, v.verificationToken, v.endpoint)).toBe(v.challengeResponse);
    }
  });

  it('verifies eBay’s VALID vector and refuses its SIGNATURE_MISMATCH vector and any changed byte', () => {
    const vectors = JSON.parse(read('account-deletion.sdk-test-vectors.json'));
    const key = publicKeyFromEbay(vectors.VALID.response.key); // one-line PEM, as eBay serves it
    const raw = Buffer.from(read('account-deletion.notification.compact.txt').trim());
    const valid = parseSignatureHeader(vectors.VALID.signature);
    expect(valid.kid).toBe(vectors.VALID.public_key);
    expect(verifyNotificationSignature(raw, JSON.parse(raw.toString()), valid.signature, key)).toBe(true);
    // The same body pretty-printed verifies through its compact form, as eBay's SDKs check it.
    const pretty = Buffer.from(read('account-deletion.notification.json'));
    expect(verifyNotificationSignature(pretty, JSON.parse(pretty.toString()), valid.signature, key)).toBe(true);
    const mismatch = parseSignatureHeader(vectors.SIGNATURE_MISMATCH.signature);
    expect(verifyNotificationSignature(raw, JSON.parse(raw.toString()), mismatch.signature, key)).toBe(false);
    const edited = Buffer.from(raw.toString().replace('test_user', 'test_usex'));
    expect(verifyNotificationSignature(edited, JSON.parse(edited.toString()), valid.signature, key)).toBe(false);
    expect(verifyNotificationSignature(raw, JSON.parse(raw.toString()), Buffer.from('not der'), key)).toBe(false);
  });

  it('reads the notification and keeps only its id, dates, attempt count and username', () => {
    const n = parseNotification(JSON.parse(read('account-deletion.notification.json')));
    expect(n).toEqual({
      notificationId: '49feeaeb-4982-42d9-a377-9645b8479411_33f7e043-fed8-442b-9d44-791923bd9a6d',
      eventDate: new Date('2021-03-19T20:43:59.462Z'),
      publishDate: new Date('2021-03-19T20:43:59.679Z'),
      publishAttemptCount: 1,
      username: 'test_user',
    });
  });

  it('refuses malformed headers and bodies as malformed, naming no value', () => {
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(NotificationRefused);
        return (err as NotificationRefused).reason;
      }
      return 'accepted';
    };
    const header = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');
    expect(refusal(() => parseSignatureHeader(undefined))).toBe('malformed');
    expect(refusal(() => parseSignatureHeader('***'))).toBe('malformed');
    expect(refusal(() => parseSignatureHeader(header({ alg: 'ecdsa', kid: 'a/b', signature: 'AA==' })))).toBe(
      'malformed',
    );
    expect(
      refusal(() => parseSignatureHeader(header({ alg: 'ecdsa', kid: 'k', signature: 'AA==', digest: 'SHA256' }))),
    ).toBe('malformed');
    const body = JSON.parse(read('account-deletion.notification.json'));
    body.notification.data.username = 'evil\u0000name';
    expect(refusal(() => parseNotification(body))).toBe('malformed');
  });
});
