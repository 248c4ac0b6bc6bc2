export {
  EbaySimulator,
  ebaySimulatorRoute,
  DEFAULT_SELLER_SCOPES,
  type AddSellerOptions,
  type EbayOperation,
  type EbaySimulatorOptions,
  type SellerGrant,
  type SimRequestRecord,
} from './ebay-simulator';
export type {
  AccountDeletionOptions,
  DeletedEbayUser,
  SentNotificationRecord,
  SignatureMode,
  PublicKeyResponse,
} from './account-deletion';
export type { FaultKind, FaultTarget } from './faults';
export type { TokenCallRecord } from './identity-endpoint';
export type { AddOrderOptions, CancelOptions, ShipOptions } from './order-book';
export { MALFORMATION_KINDS, type MalformationKind } from './order-projection';
export { EBAY_SCOPES, type EbayApp } from './token-store';
export { IDENTITY_READ_SCOPES, IDENTITY_USER_PATH, type EbayAccountType, type UserResponse } from './user-endpoint';
export { parseOrderFilter, type OrderFilter } from './filter-grammar';
export { formatMoney } from './order-factory';
export type * from './wire-types';
