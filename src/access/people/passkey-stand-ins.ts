import type { AuthenticatorTransportFuture } from '@simplewebauthn/server';

/** Credential id lengths in bytes that authenticators produce (platform and roaming ones differ). */
const ID_LENGTHS = [16, 20, 32, 48, 64] as const;

/** Transport lists as authenticators report them (synced platform passkeys, device-bound ones, security keys). */
const TRANSPORT_LISTS: readonly AuthenticatorTransportFuture[][] = [
  ['hybrid', 'internal'],
  ['internal'],
  ['usb'],
  ['nfc', 'usb'],
  ['hybrid', 'internal', 'usb'],
];

export interface StandInCredential {
  readonly id: string;
  readonly transports: AuthenticatorTransportFuture[];
}

/**
 * The credentials listed for a login that has no passkey (or no account): one to three, with ids of the lengths
 * and transports real ones have, all drawn from `tag(i)` (32 pseudo-random bytes per index, the same for a login
 * every time). A fixed shape (always one id of one length) would tell a stand-in from a real account's list.
 */
export function standInCredentials(tag: (index: number) => Buffer): StandInCredential[] {
  const head = tag(0);
  // Most accounts hold one passkey, some two, few three.
  const count = head[0] < 154 ? 1 : head[0] < 230 ? 2 : 3;
  return Array.from({ length: count }, (_, i) => {
    const bytes = Buffer.concat([tag(1 + 2 * i), tag(2 + 2 * i)]);
    return {
      id: bytes.subarray(0, ID_LENGTHS[head[1 + i] % ID_LENGTHS.length]).toString('base64url'),
      transports: [...TRANSPORT_LISTS[head[4 + i] % TRANSPORT_LISTS.length]],
    };
  });
}
