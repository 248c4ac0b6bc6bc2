import {
  base32,
  fromBase32,
  hotp,
  matchingTotpStep,
  otpauthUri,
  totpAt,
  type TotpParams,
} from '../../src/access/people/totp';

/**
 * RFC 6238 Appendix B: the seeds are the ASCII strings "12345678901234567890"
 * repeated to the hash's length (20, 32 and 64 bytes), 8-digit codes, 30-second
 * steps, T0 = 0. (The RFC's printed reference code uses these seeds; its
 * Appendix A comment naming a 20-byte seed for every mode is a known erratum.)
 */
const seed = (bytes: number) => Buffer.from('1234567890'.repeat(7).slice(0, bytes), 'ascii');
const RFC6238_VECTORS: Array<[number, string, string, string]> = [
  // unix seconds, SHA-1, SHA-256, SHA-512
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];
const params = (algorithm: TotpParams['algorithm']): TotpParams => ({ algorithm, digits: 8, periodSeconds: 30 });

describe('TOTP (RFC 6238) with node:crypto', () => {
  it('produces every test vector of RFC 6238 Appendix B', () => {
    for (const [seconds, sha1, sha256, sha512] of RFC6238_VECTORS) {
      expect([seconds, totpAt(seed(20), seconds * 1000, params('sha1'))]).toEqual([seconds, sha1]);
      expect([seconds, totpAt(seed(32), seconds * 1000, params('sha256'))]).toEqual([seconds, sha256]);
      expect([seconds, totpAt(seed(64), seconds * 1000, params('sha512'))]).toEqual([seconds, sha512]);
    }
  });

  it('produces the HOTP values of RFC 4226 Appendix D (6 digits, counters 0-9)', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    expect(expected.map((_, counter) => hotp(seed(20), counter))).toEqual(expected);
  });

  it('accepts the code of the current step and one step either side, nothing further, and says which step', () => {
    const secret = seed(20);
    const now = 1_800_000_015_000;
    const step = Math.floor(now / 30_000);
    for (const offset of [-1, 0, 1]) {
      expect(matchingTotpStep(secret, hotp(secret, step + offset), now)).toBe(step + offset);
    }
    for (const offset of [-3, -2, 2, 3]) expect(matchingTotpStep(secret, hotp(secret, step + offset), now)).toBeNull();
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 123456', '１２３４５６']) {
      expect(matchingTotpStep(secret, bad, now)).toBeNull();
    }
  });

  it('encodes base32 as RFC 4648 section 10 does, and reads it back', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32(Buffer.from(plain))).toBe(encoded);
      expect(fromBase32(encoded)?.toString()).toBe(plain);
    }
    expect(fromBase32('mzxw6ytboi======')?.toString()).toBe('foobar');
    expect(fromBase32('MZXW1')).toBeNull();
  });

  it('writes the otpauth URI authenticator apps read', () => {
    const uri = new URL(otpauthUri(seed(20), 'dana@example.test'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/ordervault:dana@example.test');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      issuer: 'ordervault',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
