/** The SP-API regions; one LWA authorization covers every marketplace of a region (reference §4.2). */
export type AmazonRegion = 'na' | 'eu' | 'fe';

export interface MarketplaceInfo {
  readonly id: string;
  readonly name: string;
  readonly countryCode: string;
  readonly currencyCode: string;
  /** Digits after the decimal point in `Money.amount` (JPY has none). */
  readonly currencyDecimals: number;
  /** Rough factor from the catalogue's USD cents to this currency's minor unit. */
  readonly priceFactor: number;
  readonly region: AmazonRegion;
  /** First group of the 3-7-7 order id; real ids start with a marketplace-dependent group. */
  readonly orderIdPrefixes: readonly string[];
  readonly carriers: readonly string[];
}

const m = (info: MarketplaceInfo): [string, MarketplaceInfo] => [info.id, info];

/** Marketplace ids as published on developer-docs "Marketplace IDs"; names as in the model's examples. */
export const MARKETPLACES: ReadonlyMap<string, MarketplaceInfo> = new Map([
  m({
    id: 'ATVPDKIKX0DER',
    name: 'Amazon.com',
    countryCode: 'US',
    currencyCode: 'USD',
    currencyDecimals: 2,
    priceFactor: 1,
    region: 'na',
    orderIdPrefixes: ['111', '112', '113', '114'],
    carriers: ['UPS', 'USPS', 'FedEx'],
  }),
  m({
    id: 'A2EUQ1WTGCTBG2',
    name: 'Amazon.ca',
    countryCode: 'CA',
    currencyCode: 'CAD',
    currencyDecimals: 2,
    priceFactor: 1.35,
    region: 'na',
    orderIdPrefixes: ['701', '702'],
    carriers: ['Canada Post', 'Purolator'],
  }),
  m({
    id: 'A1AM78C64UM0Y8',
    name: 'Amazon.com.mx',
    countryCode: 'MX',
    currencyCode: 'MXN',
    currencyDecimals: 2,
    priceFactor: 17,
    region: 'na',
    orderIdPrefixes: ['701', '702'],
    carriers: ['Estafeta', 'DHL'],
  }),
  m({
    id: 'A1F83G8C2ARO7P',
    name: 'Amazon.co.uk',
    countryCode: 'GB',
    currencyCode: 'GBP',
    currencyDecimals: 2,
    priceFactor: 0.8,
    region: 'eu',
    orderIdPrefixes: ['202', '203', '204', '205', '206'],
    carriers: ['Royal Mail', 'DPD', 'Evri'],
  }),
  m({
    id: 'A1PA6795UKMFR9',
    name: 'Amazon.de',
    countryCode: 'DE',
    currencyCode: 'EUR',
    currencyDecimals: 2,
    priceFactor: 0.92,
    region: 'eu',
    orderIdPrefixes: ['302', '303', '304', '305', '306'],
    carriers: ['DHL', 'DPD', 'Hermes'],
  }),
  m({
    id: 'A13V1IB3VIYZZH',
    name: 'Amazon.fr',
    countryCode: 'FR',
    currencyCode: 'EUR',
    currencyDecimals: 2,
    priceFactor: 0.92,
    region: 'eu',
    orderIdPrefixes: ['402', '403', '404', '405', '406'],
    carriers: ['La Poste', 'Colissimo', 'Chronopost'],
  }),
  m({
    id: 'APJ6JRA9NG5V4',
    name: 'Amazon.it',
    countryCode: 'IT',
    currencyCode: 'EUR',
    currencyDecimals: 2,
    priceFactor: 0.92,
    region: 'eu',
    orderIdPrefixes: ['402', '403', '404', '405', '406', '407'],
    carriers: ['Poste Italiane', 'BRT', 'GLS'],
  }),
  m({
    id: 'A1RKKUPIHCS9HS',
    name: 'Amazon.es',
    countryCode: 'ES',
    currencyCode: 'EUR',
    currencyDecimals: 2,
    priceFactor: 0.92,
    region: 'eu',
    orderIdPrefixes: ['402', '403', '404', '405', '406', '407'],
    carriers: ['Correos', 'SEUR'],
  }),
  m({
    id: 'A1805IZSGTT6HS',
    name: 'Amazon.nl',
    countryCode: 'NL',
    currencyCode: 'EUR',
    currencyDecimals: 2,
    priceFactor: 0.92,
    region: 'eu',
    orderIdPrefixes: ['402', '403', '404', '405', '406', '407'],
    carriers: ['PostNL', 'DHL'],
  }),
  m({
    id: 'A1VC38T7YXB528',
    name: 'Amazon.co.jp',
    countryCode: 'JP',
    currencyCode: 'JPY',
    currencyDecimals: 0,
    priceFactor: 1.5,
    region: 'fe',
    orderIdPrefixes: ['249', '250', '503'],
    carriers: ['Yamato Transport', 'Japan Post', 'Sagawa Express'],
  }),
  m({
    id: 'A39IBJ37TRP1C6',
    name: 'Amazon.com.au',
    countryCode: 'AU',
    currencyCode: 'AUD',
    currencyDecimals: 2,
    priceFactor: 1.5,
    region: 'fe',
    orderIdPrefixes: ['249', '250'],
    carriers: ['Australia Post', 'StarTrack'],
  }),
  m({
    id: 'A19VAU5U5O7RUS',
    name: 'Amazon.sg',
    countryCode: 'SG',
    currencyCode: 'SGD',
    currencyDecimals: 2,
    priceFactor: 1.35,
    region: 'fe',
    orderIdPrefixes: ['503'],
    carriers: ['SingPost', 'Ninja Van'],
  }),
]);

export function marketplace(id: string): MarketplaceInfo {
  const info = MARKETPLACES.get(id);
  if (!info) throw new Error(`Unknown Amazon marketplace id ${id}`);
  return info;
}

/** The regional SP-API host a client uses for a region (reference §1.1 "Hosts", §6.1). */
export function regionOfHost(host: string | undefined): AmazonRegion | undefined {
  const match = /^(?:sandbox\.)?sellingpartnerapi-(na|eu|fe)\.amazon\.com(?::\d+)?$/i.exec(host ?? '');
  return match ? (match[1].toLowerCase() as AmazonRegion) : undefined;
}
