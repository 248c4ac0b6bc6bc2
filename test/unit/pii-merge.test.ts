import type { BuyerPii } from '../../src/marketplaces/canonical-order';
import { applyCorrections, correctedPaths, isEmptyPii, mergePii } from '../../src/orders/pii-merge';

const empty: BuyerPii = {
  buyerName: null,
  email: null,
  phone: null,
  companyName: null,
  shippingAddress: null,
  taxIds: [],
  giftMessages: [],
  buyerMarketplaceId: null,
  notes: [],
};

const stored: BuyerPii = {
  ...empty,
  buyerName: 'Ada Buyer',
  email: 'ada@example.test',
  phone: '+49 30 1234',
  shippingAddress: {
    name: 'Ada Buyer',
    companyName: null,
    lines: ['Street 1'],
    postalCode: '10115',
    city: 'Berlin',
    region: null,
    countryCode: 'DE',
    phone: null,
  },
  taxIds: [{ type: 'VAT', value: 'DE123', issuingCountry: 'DE' }],
  buyerMarketplaceId: 'ada-1',
};

describe('merging buyer data from a later sync', () => {
  it('keeps every stored field the marketplace has started to withhold', () => {
    // eBay after 90 days: no e-mail, no name, no address; the stored values stay.
    expect(mergePii(stored, { ...empty, buyerMarketplaceId: 'ada-1' })).toEqual(stored);
  });

  it('takes every field the marketplace sends anew, field by field and line by line', () => {
    const incoming: BuyerPii = {
      ...empty,
      email: 'new@example.test',
      shippingAddress: { ...stored.shippingAddress!, lines: [], city: 'Hamburg', postalCode: null },
      taxIds: [{ type: 'VAT', value: 'DE999', issuingCountry: 'DE' }],
    };
    const merged = mergePii(stored, incoming)!;
    expect(merged.email).toBe('new@example.test');
    expect(merged.buyerName).toBe('Ada Buyer');
    expect(merged.shippingAddress).toEqual({ ...stored.shippingAddress, city: 'Hamburg' });
    expect(merged.taxIds).toEqual(incoming.taxIds);
  });

  it('treats absence on either side as nothing to merge', () => {
    expect(mergePii(null, stored)).toBe(stored);
    expect(mergePii(stored, null)).toBe(stored);
    expect(mergePii(null, null)).toBeNull();
  });

  it('calls buyer data empty only when no single datum is there', () => {
    expect(isEmptyPii(null)).toBe(true);
    expect(isEmptyPii(empty)).toBe(true);
    expect(
      isEmptyPii({
        ...empty,
        shippingAddress: {
          ...stored.shippingAddress!,
          lines: [],
          name: null,
          postalCode: null,
          city: null,
          countryCode: 'DE',
        },
      }),
    ).toBe(true);
    for (const key of Object.keys(stored) as Array<keyof BuyerPii>) {
      if (stored[key] === null || (Array.isArray(stored[key]) && !(stored[key] as unknown[]).length)) continue;
      expect({ key, empty: isEmptyPii({ ...empty, [key]: stored[key] }) }).toEqual({ key, empty: false });
    }
  });

  it('keeps overridden (rectified) fields whatever the marketplace sends; the others follow it', () => {
    const corrected = applyCorrections(stored, { email: 'fixed@example.test', shippingAddress: { city: 'Potsdam' } });
    const overrides = new Set(correctedPaths({ email: 'x', shippingAddress: { city: 'x' } }));
    expect([...overrides]).toEqual(['email', 'shippingAddress.city']);
    const incoming: BuyerPii = {
      ...stored,
      email: 'ada@example.test',
      phone: '+49 30 9999',
      shippingAddress: { ...stored.shippingAddress!, city: 'Berlin', postalCode: '10117' },
    };
    const merged = mergePii(corrected, incoming, overrides)!;
    expect(merged.email).toBe('fixed@example.test');
    expect(merged.shippingAddress).toMatchObject({ city: 'Potsdam', postalCode: '10117' });
    expect(merged.phone).toBe('+49 30 9999');
    // Without overrides the marketplace's copy wins, as before.
    expect(mergePii(corrected, incoming)!.email).toBe('ada@example.test');
  });

  it('a field removed by a correction (null) stays removed', () => {
    const corrected = applyCorrections(stored, { phone: null });
    expect(corrected.phone).toBeNull();
    expect(mergePii(corrected, stored, new Set(['phone']))!.phone).toBeNull();
  });
});
