import { z } from 'zod';
import { SUPPLIERS, type Viewer } from '../../platform/viewer';

/**
 * The staff issuer (suppliers, NHS England, analysts, the registration service): an
 * Entra ID-style `roles` claim of application roles, exactly one of them, one of ours:
 * `Supplier.EMIS` (any supplier of the list), `NHSE`, `Analyst`, `Registration`.
 * Decision 0053.
 */
const claims = z.object({ sub: z.string().min(1), roles: z.array(z.string()).length(1) });

export const STAFF_ROLES = {
  NHSE: 'nhse',
  Analyst: 'analyst',
  Registration: 'registration',
} as const;

export function staffRoleValue(role: string, supplier?: string): string {
  if (role === 'supplier') return `Supplier.${supplier ?? ''}`;
  const entry = Object.entries(STAFF_ROLES).find(([, ours]) => ours === role);
  return entry ? entry[0] : role;
}

export function viewerFromStaff(payload: Record<string, unknown>): Viewer | null {
  const parsed = claims.safeParse(payload);
  if (!parsed.success) return null;
  const subject = parsed.data.sub;
  const value = parsed.data.roles[0]!;
  const supplier = /^Supplier\.(.+)$/.exec(value)?.[1];
  if (supplier !== undefined) {
    const known = SUPPLIERS.find((name) => name === supplier);
    return known ? { role: 'supplier', subject, supplier: known } : null;
  }
  const role = Object.hasOwn(STAFF_ROLES, value) ? STAFF_ROLES[value as keyof typeof STAFF_ROLES] : undefined;
  return role ? { role, subject } : null;
}
