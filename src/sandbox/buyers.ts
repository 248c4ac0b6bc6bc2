import { createHash } from 'node:crypto';

/**
 * Deterministic simulated buyers. Every text value carries the marker "Ovsim"
 * (names, streets, cities, e-mails, gift messages), and phone numbers use the
 * reserved 555-01xx style, so a test can grep a whole database, its files or a
 * log for any simulated buyer datum and know that a hit is a leak.
 */
export const BUYER_MARKER = 'Ovsim';

export interface SimBuyer {
  readonly givenName: string;
  readonly familyName: string;
  readonly fullName: string;
  readonly email: string;
  readonly phone: string;
  readonly addressLine1: string;
  readonly addressLine2?: string;
  readonly city: string;
  readonly region: string;
  readonly postalCode: string;
  readonly countryCode: string;
  readonly companyName?: string;
  readonly taxId?: string;
  readonly giftMessage?: string;
  /** Marketplace buyer identifier (eBay username; Amazon has none, we keep the e-mail alias). */
  readonly marketplaceBuyerId: string;
}

const GIVEN = ['Anna', 'Bram', 'Chloe', 'Daan', 'Elif', 'Finn', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kaja', 'Luca'];
const FAMILY = ['Ovsimova', 'Ovsimsen', 'Ovsimdijk', 'Ovsimberg', 'Ovsimelli', 'Ovsimowski', 'Ovsimez', 'Ovsimard'];
const STREETS = ['Ovsimstraat', 'Ovsim Lane', 'Rue Ovsim', 'Ovsimweg', 'Via Ovsim', 'Ovsim Road'];
const CITIES: Array<[city: string, region: string, country: string]> = [
  ['Ovsimburg', 'Ovsim-Nord', 'DE'],
  ['Ovsimdam', 'Noord-Ovsim', 'NL'],
  ['Ovsimville', 'OV', 'US'],
  ['Ovsimton', 'Ovsimshire', 'GB'],
  ['Ovsimont', 'Ovsim-Est', 'FR'],
];

/** Small seeded PRNG (mulberry32) so a seed always yields the same buyers. */
function prng(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];

/** The `index`-th buyer of a scenario seeded by `seed`. */
export function simulatedBuyer(seed: string, index: number): SimBuyer {
  const rand = prng(`${seed}#${index}`);
  const serial = String(index).padStart(5, '0');
  const givenName = pick(rand, GIVEN);
  const familyName = `${pick(rand, FAMILY)}${serial}`;
  const [city, region, countryCode] = pick(rand, CITIES);
  const house = 1 + Math.floor(rand() * 240);
  const business = rand() < 0.15;
  const gift = rand() < 0.2;
  const slug = `${givenName}.${familyName}`.toLowerCase();
  return {
    givenName,
    familyName,
    fullName: `${givenName} ${familyName}`,
    email: `${slug}@ovsim-buyers.example`,
    phone: `+1-555-01${String(index % 100).padStart(2, '0')}-${String(1000 + Math.floor(rand() * 9000))}`,
    addressLine1: `${pick(rand, STREETS)} ${house}`,
    addressLine2: rand() < 0.3 ? `Ovsim Apt ${1 + Math.floor(rand() * 40)}` : undefined,
    city,
    region,
    postalCode: `${countryCode}-${String(10000 + Math.floor(rand() * 89999))}`,
    countryCode,
    companyName: business ? `Ovsim Trading ${serial}` : undefined,
    taxId: business ? `OVSIMTAX${serial}${Math.floor(rand() * 1000)}` : undefined,
    giftMessage: gift ? `Happy birthday from Ovsim ${serial}!` : undefined,
    marketplaceBuyerId: `ovsim_${slug.replace(/[^a-z0-9]/g, '')}`,
  };
}

/** Every string of a buyer that must never appear in clear outside memory. */
export function buyerStrings(buyer: SimBuyer): string[] {
  return [
    buyer.fullName,
    buyer.familyName,
    buyer.email,
    buyer.phone,
    buyer.addressLine1,
    buyer.addressLine2,
    buyer.postalCode,
    buyer.companyName,
    buyer.taxId,
    buyer.giftMessage,
    buyer.marketplaceBuyerId,
  ].filter((s): s is string => typeof s === 'string' && s.length > 0);
}
