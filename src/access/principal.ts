/** Who is calling. Resolved once per request by the access guard. */
export type StaffRole = 'admin' | 'support' | 'auditor';

export type Principal =
  | { readonly kind: 'staff'; readonly id: string; readonly role: StaffRole }
  | { readonly kind: 'seller'; readonly id: string; readonly tenantId: string; readonly scopes: readonly string[] }
  | { readonly kind: 'system'; readonly id: 'system' };

export const SYSTEM_PRINCIPAL: Principal = { kind: 'system', id: 'system' };
