import { z } from 'zod';

/**
 * The verified identity the gateway forwards to every subgraph (signed, see
 * request-signature.ts). One shape per role of the contract's role table.
 */
const identityLevel = z.enum(['P0', 'P5', 'P9']);
const nhsNumber = z.string().regex(/^\d{10}$/);
export const SUPPLIERS = ['EMIS', 'TPP', 'CEGEDIM', 'MICROTEST', 'OTHER'] as const;
export type Supplier = (typeof SUPPLIERS)[number];

export const viewerSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('patient'), subject: z.string().min(1), nhsNumber, identityLevel }),
  z.object({
    role: z.literal('app'),
    subject: z.string().min(1),
    clientId: z.string().min(1),
    nhsNumber,
    identityLevel,
    scopes: z.array(z.string()),
  }),
  z.object({ role: z.literal('clinician'), subject: z.string().min(1), odsCode: z.string().regex(/^[A-Z]\d{5}$/) }),
  z.object({ role: z.literal('supplier'), subject: z.string().min(1), supplier: z.enum(SUPPLIERS) }),
  z.object({ role: z.literal('nhse'), subject: z.string().min(1) }),
  z.object({ role: z.literal('analyst'), subject: z.string().min(1) }),
  // The national registration service (PDS/NHAIS-fed): the only one who moves a patient between practices.
  z.object({ role: z.literal('registration'), subject: z.string().min(1) }),
  // One subgraph asking another (rollout asks practices who supplies a practice).
  z.object({ role: z.literal('service'), subject: z.string().min(1) }),
]);

export type Viewer = z.infer<typeof viewerSchema>;
export type Role = Viewer['role'];
export type ViewerOf<R extends Role> = Extract<Viewer, { role: R }>;

export function encodeViewer(viewer: Viewer): string {
  return Buffer.from(JSON.stringify(viewer), 'utf8').toString('base64url');
}

/** Null for anything that is not exactly a viewer: the caller refuses the request. */
export function decodeViewer(header: string | undefined): Viewer | null {
  if (!header) return null;
  try {
    const parsed = viewerSchema.safeParse(JSON.parse(Buffer.from(header, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Narrows the viewer to one of `roles`, else null: resolvers start from "deny". */
export function viewerAs<R extends Role>(viewer: Viewer, ...roles: R[]): ViewerOf<R> | null {
  return (roles as Role[]).includes(viewer.role) ? (viewer as ViewerOf<R>) : null;
}
