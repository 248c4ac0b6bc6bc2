import { createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { secretBytes } from '../endpoints/endpoint-secrets';

/**
 * Standard Webhooks signatures over `id.timestamp.body`: `v1,<base64 HMAC-SHA256>`
 * with each secret that signs now (the current one and those a rotation keeps
 * valid for an overlap), then `v1a,<base64 Ed25519>` when the endpoint has a
 * key pair. Space-separated, as receivers' libraries expect.
 */
export function signatureHeader(
  id: string,
  timestampSeconds: number,
  body: string,
  secrets: readonly string[],
  ed25519SecretKey: KeyObject | null,
): string {
  const content = Buffer.from(`${id}.${timestampSeconds}.${body}`, 'utf8');
  const parts = secrets.map((s) => `v1,${createHmac('sha256', secretBytes(s)).update(content).digest('base64')}`);
  if (ed25519SecretKey) parts.push(`v1a,${sign(null, content, ed25519SecretKey).toString('base64')}`);
  return parts.join(' ');
}

/** An Ed25519 secret key from its PKCS#8 DER (base64), as sealed with the endpoint's secrets. */
export function ed25519KeyFromPkcs8(base64: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'pkcs8' });
}
