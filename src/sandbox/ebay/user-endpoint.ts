import type { SimResponse } from './ebay-errors';

/** Commerce Identity API getUser (commerce_identity_v1_oas3: server apiz.ebay.com, basePath /commerce/identity/v1). */
export const IDENTITY_USER_PATH = '/commerce/identity/v1/user/';

/**
 * getUser's "OAuth scope" section: an authorization-code (user) token with one or more of these. The default,
 * commerce.identity.readonly, returns the public account data; the others add name/address/email/phone for
 * individual accounts (not simulated).
 */
export const IDENTITY_READ_SCOPES: readonly string[] = [
  'https://api.ebay.com/oauth/api_scope/commerce.identity.readonly',
  'https://api.ebay.com/oauth/api_scope/commerce.identity.name.readonly',
  'https://api.ebay.com/oauth/api_scope/commerce.identity.address.readonly',
  'https://api.ebay.com/oauth/api_scope/commerce.identity.email.readonly',
  'https://api.ebay.com/oauth/api_scope/commerce.identity.phone.readonly',
];

/** UserResponse.accountType (AccountTypeEnum). */
export type EbayAccountType = 'BUSINESS' | 'INDIVIDUAL';

/** The part of UserResponse the simulator serves: the public fields of the default scope. */
export interface UserResponse {
  /** "The eBay immutable user ID of the user's account and can always be used to identify the user." */
  userId: string;
  /** The user name chosen at registration; the user can change it. */
  username: string;
  accountType: EbayAccountType;
  /** The eBay site on which the account is registered (MarketplaceIdEnum). */
  registrationMarketplaceId: string;
}

/**
 * GET /commerce/identity/v1/user/ for the seller behind a user token. Only the four public fields are served:
 * the businessAccount/individualAccount containers (names, emails, phones, addresses) and `status` are left out,
 * as eBay leaves out what a developer is not approved for ("Not all the account related fields are returned").
 */
export function handleGetUser(user: UserResponse): SimResponse {
  return {
    status: 200,
    body: {
      userId: user.userId,
      username: user.username,
      accountType: user.accountType,
      registrationMarketplaceId: user.registrationMarketplaceId,
    },
  };
}
