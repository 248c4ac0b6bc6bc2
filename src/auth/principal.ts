/** Who is calling. Resolved once per request by the access guard from an API key. */
export type StaffRole = 'admin' | 'support' | 'auditor';

export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'support', 'auditor'];

/**
 * Sellers and staff carry the id of the credential they authenticated with:
 * an API key id, or `session:<uuid>` for a person signed in to the console.
 * Jobs and CLI commands act as the `system` principal (`id` names the job or
 * command).
 */
export type Principal =
  | { readonly kind: 'staff'; readonly id: string; readonly role: StaffRole; readonly keyId: string }
  | {
      readonly kind: 'seller';
      readonly id: string;
      readonly tenantId: string;
      readonly scopes: readonly string[];
      readonly keyId: string;
    }
  | { readonly kind: 'system'; readonly id: string };
