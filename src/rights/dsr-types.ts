/** The kinds of data-subject request answered. */
export const DSR_TYPES = ['access', 'portability', 'rectify', 'erase'] as const;
export type DsrType = (typeof DSR_TYPES)[number];
/** How the seller named the buyer. */
export const DSR_SUBJECT_KINDS = ['email', 'buyer_id', 'marketplace_order_id'] as const;
export type DsrSubjectKind = (typeof DSR_SUBJECT_KINDS)[number];
export type DsrStatus = 'received' | 'running' | 'completed' | 'failed';
