import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { restError, type SimResponse } from './ebay-errors';

export const PUBLIC_KEY_PATH_PREFIX = '/commerce/notification/v1/public_key/';

/** The user a MARKETPLACE_ACCOUNT_DELETION notification names (reference §3.3 `data`). */
export interface DeletedEbayUser {
  username: string;
  userId: string;
  eiasToken: string;
}

/**
 * How the X-EBAY-SIGNATURE header is made: `valid` (the §3.4 recipe), `corrupt` (a well-formed signature
 * over different bytes, like eBay's SIGNATURE_MISMATCH vector), `unknown-kid` (valid signature, kid that
 * getPublicKey answers 404 for), `missing` (no header).
 */
export type SignatureMode = 'valid' | 'corrupt' | 'unknown-kid' | 'missing';

export interface AccountDeletionOptions {
  signature?: SignatureMode;
  notificationId?: string;
  eventDate?: Date | string;
  publishAttemptCount?: number;
  /** HTTPS targets: CA to trust in addition to the system store (default: the simulator's loopback CA). */
  ca?: string;
  agent?: http.Agent;
  timeoutMs?: number;
}

export interface SentNotificationRecord {
  at: string;
  targetUrl: string;
  notificationId: string;
  signature: SignatureMode;
  status: number;
}

export interface PublicKeyResponse {
  algorithm: 'ECDSA';
  digest: 'SHA1';
  key: string;
}

/**
 * eBay's side of Marketplace Account Deletion (reference §3): an ECDSA P-256 key served by
 * getPublicKey, and signed notification POSTs.
 */
export class AccountDeletionSender {
  readonly kid = randomUUID();
  private readonly privateKey: KeyObject;
  private readonly publicKey: PublicKeyResponse;

  constructor(private readonly defaultCaPem: string) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = pair.privateKey;
    const spki = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    // One line, no newlines, exactly as eBay serves it (§3.4 step 2; Node cannot load it as-is, step 3).
    this.publicKey = {
      algorithm: 'ECDSA',
      digest: 'SHA1',
      key: `-----BEGIN PUBLIC KEY-----${spki}-----END PUBLIC KEY-----`,
    };
  }

  /** GET /commerce/notification/v1/public_key/{kid}; unknown kid → 404 195001 (Notification spec). */
  handleGetPublicKey(kid: string): SimResponse {
    if (kid !== this.kid) {
      return restError(404, {
        errorId: 195001,
        domain: 'API_NOTIFICATION',
        category: 'REQUEST',
        message: 'The specified key id is invalid.',
      });
    }
    return { status: 200, body: { ...this.publicKey } };
  }

  /** The notification body, field order as eBay's SDK test vector (§3.3). */
  buildNotification(
    user: DeletedEbayUser,
    nowIso: string,
    options: AccountDeletionOptions = {},
  ): Record<string, unknown> {
    return {
      metadata: { topic: 'MARKETPLACE_ACCOUNT_DELETION', schemaVersion: '1.0', deprecated: false },
      notification: {
        notificationId: options.notificationId ?? `${randomUUID()}_${randomUUID()}`,
        eventDate: options.eventDate !== undefined ? new Date(options.eventDate).toISOString() : nowIso,
        publishDate: nowIso,
        publishAttemptCount: options.publishAttemptCount ?? 1,
        data: { username: user.username, userId: user.userId, eiasToken: user.eiasToken },
      },
    };
  }

  /**
   * The §3.4 signing recipe: ECDSA P-256 with SHA-1 over the compact JSON, DER signature in base64,
   * header = base64(JSON {alg:'ecdsa', kid, signature, digest:'SHA1'}).
   */
  signatureHeader(compactBody: string, mode: Exclude<SignatureMode, 'missing'> = 'valid'): string {
    const signedBytes = mode === 'corrupt' ? `${compactBody} ` : compactBody;
    const signature = sign('sha1', Buffer.from(signedBytes), this.privateKey).toString('base64');
    const kid = mode === 'unknown-kid' ? randomUUID() : this.kid;
    return Buffer.from(JSON.stringify({ alg: 'ecdsa', kid, signature, digest: 'SHA1' })).toString('base64');
  }

  /** POSTs one notification and resolves with the HTTP status the target answered. */
  async send(
    targetUrl: string,
    user: DeletedEbayUser,
    nowIso: string,
    options: AccountDeletionOptions = {},
  ): Promise<{ status: number; notificationId: string }> {
    const payload = this.buildNotification(user, nowIso, options);
    const body = JSON.stringify(payload);
    const mode = options.signature ?? 'valid';
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    };
    if (mode !== 'missing') headers['x-ebay-signature'] = this.signatureHeader(body, mode);
    const url = new URL(targetUrl);
    const transport = url.protocol === 'https:' ? https : http;
    const status = await new Promise<number>((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method: 'POST',
          headers,
          timeout: options.timeoutMs ?? 10_000,
          ...(options.agent ? { agent: options.agent } : {}),
          ...(url.protocol === 'https:' ? { ca: [...tls.rootCertificates, options.ca ?? this.defaultCaPem] } : {}),
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`account deletion POST to ${targetUrl} timed out`)));
      req.on('error', reject);
      req.end(body);
    });
    const notification = payload.notification as { notificationId: string };
    return { status, notificationId: notification.notificationId };
  }
}
