/**
 * The JSON shapes the simulator puts on the wire, named as in eBay's OpenAPI
 * (sell_fulfillment_v1_oas3.json v1.20.7, reference §1.5). Every field that eBay
 * may omit is optional here, because the simulator omits it the same way.
 */

export interface Amount {
  /** Always a decimal string on the wire ("4085.0", "70.33"). */
  value: string;
  currency: string;
  convertedFromValue?: string;
  convertedFromCurrency?: string;
}

export interface Address {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  county?: string;
  stateOrProvince?: string;
  postalCode?: string;
  countryCode?: string;
}

export interface PhoneNumber {
  phoneNumber?: string;
}

export interface ExtendedContact {
  companyName?: string;
  fullName?: string;
  contactAddress?: Address;
  primaryPhone?: PhoneNumber;
  email?: string;
}

export interface TaxAddress {
  city?: string;
  stateOrProvince?: string;
  postalCode?: string;
  countryCode?: string;
}

export interface TaxIdentifier {
  taxpayerId?: string;
  taxIdentifierType?: 'CODICE_FISCALE' | 'DNI' | 'NIT' | 'VATIN';
  issuingCountry?: string;
}

export interface Buyer {
  username?: string;
  taxAddress?: TaxAddress;
  /** getOrder only (spec Buyer.taxIdentifier). */
  taxIdentifier?: TaxIdentifier;
  buyerRegistrationAddress?: ExtendedContact;
}

export type CancelState = 'CANCELED' | 'IN_PROGRESS' | 'NONE_REQUESTED';
export type CancelRequestState = 'COMPLETED' | 'REJECTED' | 'REQUESTED';

export interface CancelRequest {
  cancelRequestId: string;
  cancelInitiator: 'Buyer' | 'Seller';
  cancelReason?: string;
  cancelRequestedDate: string;
  cancelCompletedDate?: string;
  cancelRequestState: CancelRequestState;
}

export interface CancelStatus {
  cancelState: CancelState;
  cancelledDate?: string;
  /** Always [] in getOrders; populated only by getOrder (spec CancelStatus.cancelRequests). */
  cancelRequests: CancelRequest[];
}

export type FulfillmentInstructionsType =
  'DIGITAL' | 'PREPARE_FOR_PICKUP' | 'SELLER_DEFINED' | 'SHIP_TO' | 'FULFILLED_BY_EBAY';

export interface ShippingStep {
  shipTo?: ExtendedContact;
  shippingCarrierCode?: string;
  shippingServiceCode?: string;
  shipToReferenceId?: string;
}

export interface FulfillmentStartInstruction {
  fulfillmentInstructionsType: FulfillmentInstructionsType;
  minEstimatedDeliveryDate?: string;
  maxEstimatedDeliveryDate?: string;
  ebaySupportedFulfillment?: boolean;
  /** Global Shipping Program / eBay International Shipping only. */
  finalDestinationAddress?: ExtendedContact;
  shippingStep?: ShippingStep;
}

export type FulfillmentStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'FULFILLED';
export type OrderPaymentStatus = 'FAILED' | 'FULLY_REFUNDED' | 'PAID' | 'PARTIALLY_REFUNDED' | 'PENDING';

export interface GiftDetails {
  message?: string;
  recipientEmail?: string;
  senderName?: string;
}

export interface LineItemTax {
  amount: Amount;
  /** Only with fieldGroups=TAX_BREAKDOWN. */
  taxType?: string;
}

export interface LineItem {
  lineItemId: string;
  legacyItemId: string;
  sku?: string;
  title: string;
  lineItemCost: Amount;
  quantity: number;
  soldFormat: 'AUCTION' | 'FIXED_PRICE' | 'OTHER' | 'SECOND_CHANCE_OFFER';
  listingMarketplaceId: string;
  purchaseMarketplaceId: string;
  lineItemFulfillmentStatus: FulfillmentStatus;
  total: Amount;
  deliveryCost: { shippingCost?: Amount; handlingCost?: Amount; importCharges?: Amount };
  appliedPromotions: unknown[];
  taxes: LineItemTax[];
  ebayCollectAndRemitTaxes?: Array<{ taxType: string; amount: Amount; collectionMethod: 'NET' | 'INVOICE' }>;
  properties: { buyerProtection?: boolean; fromBestOffer?: boolean; soldViaAdCampaign?: boolean };
  lineItemFulfillmentInstructions: {
    minEstimatedDeliveryDate?: string;
    maxEstimatedDeliveryDate?: string;
    shipByDate?: string;
    guaranteedDelivery?: boolean;
  };
  itemLocation?: { location?: string; countryCode?: string; postalCode?: string };
  giftDetails?: GiftDetails;
}

export interface PaymentSummary {
  totalDueSeller: Amount;
  refunds: Array<{
    refundId?: string;
    refundReferenceId?: string;
    refundDate?: string;
    refundStatus?: string;
    amount: Amount;
  }>;
  payments: Array<{
    paymentMethod: string;
    paymentReferenceId: string;
    paymentDate: string;
    amount: Amount;
    paymentStatus: 'FAILED' | 'PAID' | 'PENDING';
  }>;
}

export interface PricingSummary {
  priceSubtotal: Amount;
  deliveryCost?: Amount;
  /** Only with fieldGroups=TAX_BREAKDOWN. */
  fee?: Amount;
  tax?: Amount;
  total: Amount;
}

export interface Order {
  orderId: string;
  /** Removed from spec v1.20.7 but still present in production captures, equal to orderId (reference §1.5). */
  legacyOrderId: string;
  creationDate: string;
  lastModifiedDate: string;
  orderFulfillmentStatus: FulfillmentStatus;
  orderPaymentStatus: OrderPaymentStatus;
  sellerId: string;
  buyer: Buyer;
  buyerCheckoutNotes?: string;
  pricingSummary: PricingSummary;
  cancelStatus: CancelStatus;
  paymentSummary: PaymentSummary;
  fulfillmentStartInstructions: FulfillmentStartInstruction[];
  fulfillmentHrefs: string[];
  lineItems: LineItem[];
  ebayCollectAndRemitTax?: boolean;
  salesRecordReference: string;
  totalFeeBasisAmount: Amount;
  totalMarketplaceFee: Amount;
}

export interface EbayErrorDetail {
  errorId: number;
  domain: string;
  subdomain?: string;
  category: 'REQUEST' | 'APPLICATION' | 'BUSINESS';
  message: string;
  longMessage?: string;
  parameters?: Array<{ name: string; value: string }>;
}

export interface OrderSearchPagedCollection {
  href: string;
  total: number;
  next?: string;
  prev?: string;
  limit: number;
  offset: number;
  /** A malformed order (see makeOrderMalformed) is served as it is, so the element type is loose. */
  orders?: unknown[];
  warnings?: EbayErrorDetail[];
}
