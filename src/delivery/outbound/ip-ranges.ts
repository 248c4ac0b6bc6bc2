import { isIP } from 'node:net';

/**
 * Address ranges a webhook may never reach: anything that is not the public
 * internet. Checked on every address a receiver's name resolves to, at endpoint
 * creation and again at connect time. IPv4 embedded in IPv6 (mapped, compatible,
 * NAT64, 6to4) is unwrapped and checked as IPv4, so `::ffff:127.0.0.1` is loopback.
 */
export type BlockedRangeKind =
  | 'unspecified'
  | 'private'
  | 'loopback'
  | 'link_local'
  | 'unique_local'
  | 'shared_cgnat'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'metadata';

interface Range {
  readonly bytes: number[];
  readonly prefix: number;
  readonly kind: BlockedRangeKind;
}

const v4 = (cidr: string, kind: BlockedRangeKind): Range => {
  const [addr, prefix] = cidr.split('/');
  return { bytes: addr.split('.').map(Number), prefix: Number(prefix), kind };
};

const v6 = (cidr: string, kind: BlockedRangeKind): Range => {
  const [addr, prefix] = cidr.split('/');
  return { bytes: [...ipv6Bytes(addr)!], prefix: Number(prefix), kind };
};

// Order matters only for the kind reported: the first match names it (metadata before link-local).
const IPV4_BLOCKED: readonly Range[] = [
  v4('169.254.169.254/32', 'metadata'), // AWS, GCP, Azure, OpenStack instance metadata
  v4('100.100.100.200/32', 'metadata'), // Alibaba Cloud instance metadata
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'shared_cgnat'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link_local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'), // IETF protocol assignments
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', 'reserved'), // 6to4 relay anycast
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'), // benchmarking
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'), // includes 255.255.255.255
];

const IPV6_BLOCKED: readonly Range[] = [
  v6('fd00:ec2::254/128', 'metadata'), // AWS instance metadata over IPv6
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('100::/64', 'reserved'), // discard-only
  v6('2001:db8::/32', 'documentation'),
  v6('2001::/23', 'reserved'), // IETF protocol assignments (Teredo, ORCHID, ...)
  v6('fc00::/7', 'unique_local'),
  v6('fe80::/10', 'link_local'),
  v6('fec0::/10', 'reserved'), // deprecated site-local
  v6('ff00::/8', 'multicast'),
];

/** Parses an IPv6 literal (no brackets, no zone) into 16 bytes; null if it is not one. */
export function ipv6Bytes(address: string): Uint8Array | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase();
  const out = new Uint8Array(16);
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two hextets.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const b = quad[1].split('.').map(Number);
    text = `${text.slice(0, quad.index)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const hextets = [...headParts, ...Array(8 - headParts.length - tailParts.length).fill('0'), ...tailParts];
  if (hextets.length !== 8) return null;
  hextets.forEach((h, i) => {
    const n = parseInt(h, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

function inRange(bytes: ArrayLike<number>, range: Range): boolean {
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (range.bytes[i] & mask)) return false;
  }
  return true;
}

const startsWith = (b: Uint8Array, prefix: number[]) => prefix.every((v, i) => b[i] === v);

/** The IPv4 address an IPv6 address carries, for the forms that route to IPv4. */
function embeddedIpv4(b: Uint8Array): number[] | null {
  const zeros10 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  if (startsWith(b, [...zeros10, 0xff, 0xff])) return [...b.subarray(12)]; // ::ffff:a.b.c.d (mapped)
  if (startsWith(b, [...zeros10, 0, 0]) && !(b[12] === 0 && b[13] === 0 && b[14] === 0 && b[15] <= 1)) {
    return [...b.subarray(12)]; // ::a.b.c.d (deprecated compatible form; :: and ::1 are not)
  }
  if (startsWith(b, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return [...b.subarray(12)]; // NAT64 64:ff9b::/96
  if (startsWith(b, [0x20, 0x02])) return [...b.subarray(2, 6)]; // 6to4 2002:a.b.c.d::/48
  return null;
}

/**
 * Why an address must not be reached, or null when it is a public unicast
 * address. Anything that is not an IP literal is refused as 'reserved' (callers
 * pass resolved addresses only).
 */
export function blockedRangeOf(address: string): BlockedRangeKind | null {
  const plain = address.replace(/^\[|\]$/g, '');
  const family = isIP(plain);
  if (family === 4) return classifyIpv4(plain.split('.').map(Number));
  if (family !== 6 || plain.includes('%')) return 'reserved';
  const bytes = ipv6Bytes(plain);
  if (!bytes) return 'reserved';
  const inner = embeddedIpv4(bytes);
  if (inner) return classifyIpv4(inner);
  return IPV6_BLOCKED.find((r) => inRange(bytes, r))?.kind ?? null;
}

function classifyIpv4(bytes: number[]): BlockedRangeKind | null {
  return IPV4_BLOCKED.find((r) => inRange(bytes, r))?.kind ?? null;
}
