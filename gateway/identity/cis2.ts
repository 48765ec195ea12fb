import { z } from 'zod';
import type { Viewer } from '../../platform/viewer';

/**
 * NHS CIS2 Authentication (clinicians): the role profile the user selected (`selected_roleid`)
 * must be exactly one of their national RBAC roles (`nhsid_nrbac_roles`, matched on
 * `person_roleid`), and that role's organisation (`org_code`) must be a GP practice's ODS code:
 * it is the practice the clinician acts for. Sources in docs/identity.md.
 */
const role = z.object({
  person_roleid: z.string().min(1),
  org_code: z.string(),
  person_orgid: z.string().optional(),
  role_code: z.string().optional(),
  role_name: z.string().optional(),
});
const claims = z.object({
  sub: z.string().min(1),
  selected_roleid: z.string().min(1),
  nhsid_nrbac_roles: z.array(role),
});

/** A GP practice's ODS code: a letter and five digits (a trust's RBA or an ICB's QWE is not one). */
const PRACTICE_CODE = /^[A-Z]\d{5}$/;

export function viewerFromCis2(payload: Record<string, unknown>): Viewer | null {
  const parsed = claims.safeParse(payload);
  if (!parsed.success) return null;
  const selected = parsed.data.nhsid_nrbac_roles.filter((entry) => entry.person_roleid === parsed.data.selected_roleid);
  if (selected.length !== 1) return null;
  const odsCode = selected[0]!.org_code;
  if (!PRACTICE_CODE.test(odsCode)) return null;
  return { role: 'clinician', subject: parsed.data.sub, odsCode };
}
