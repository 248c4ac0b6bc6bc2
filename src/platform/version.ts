/** The product's version (package.json's; a unit test holds them equal). Sent in the webhook User-Agent. */
export const ORDERVAULT_VERSION = '0.1.0';
