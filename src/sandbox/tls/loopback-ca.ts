import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

// The parameter is typed with the DOM's Crypto, which the console's preact types bring into the program.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** Hosts the simulators answer for, as the real clients name them. */
export const SIMULATED_HOSTS = [
  'localhost',
  'api.amazon.com',
  'sellingpartnerapi-na.amazon.com',
  'sellingpartnerapi-eu.amazon.com',
  'sellingpartnerapi-fe.amazon.com',
  'sandbox.sellingpartnerapi-na.amazon.com',
  'sandbox.sellingpartnerapi-eu.amazon.com',
  'sandbox.sellingpartnerapi-fe.amazon.com',
  'api.ebay.com',
  'apiz.ebay.com',
  'api.sandbox.ebay.com',
  'apiz.sandbox.ebay.com',
  'webhooks.localhost',
];

export interface LoopbackTls {
  /** PEM of the CA that clients must trust (never the system store's). */
  readonly caPem: string;
  /** Server certificate and key for `https.createServer`. */
  readonly certPem: string;
  readonly keyPem: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/**
 * Generates, at run time, a throwaway CA and one server certificate covering
 * every simulated marketplace host plus 127.0.0.1. Nothing is written to disk
 * unless a caller chooses to; the private keys live only in this process.
 */
export async function createLoopbackTls(extraHosts: string[] = []): Promise<LoopbackTls> {
  const now = Date.now();
  const notBefore = new Date(now - 60 * 60 * 1000);
  const notAfter = new Date(now + 7 * 24 * 60 * 60 * 1000);

  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=ordervault loopback simulator CA',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const leafKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const hosts = [...new Set([...SIMULATED_HOSTS, ...extraHosts])];
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=ordervault simulators',
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingKey: caKeys.privateKey,
    publicKey: leafKeys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...hosts.map((value) => ({ type: 'dns' as const, value })),
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  return {
    caPem: ca.toString('pem') + '\n',
    certPem: leaf.toString('pem') + '\n',
    keyPem: toPem('PRIVATE KEY', pkcs8),
  };
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(8));
  bytes[0] &= 0x7f;
  return Buffer.from(bytes).toString('hex');
}
