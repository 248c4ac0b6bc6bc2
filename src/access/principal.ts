/** Who is calling. Resolved once per request by the access guard from an API key. */
export type StaffRole = 'admin' | 'support' | 'auditor';

export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'support', 'auditor'];

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

/** Jobs and CLI commands act as the system principal (`id` names the job or command). */
export const systemPrincipal = (id = 'system'): Principal => ({ kind: 'system', id });

/** The actor fields of an access-log entry for a principal. */
export function actorOf(p: Principal): { kind: 'seller' | 'staff' | 'system'; id: string; role: string | null } {
  switch (p.kind) {
    case 'staff':
      return { kind: 'staff', id: p.id, role: p.role };
    case 'seller':
      return { kind: 'seller', id: p.id, role: null };
    case 'system':
      return { kind: 'system', id: p.id, role: null };
  }
}
