/**
 * Metric labels must stay few and carry no client's words: an operation is labelled with its
 * name only when the API knows that name (a ready operation under schema/operations/), else
 * `other`, whatever a client calls it. A subgraph sees the gateway's fetch names
 * (`PatientRecord__records__1`), so the planner's suffix is dropped first.
 */
export const OTHER_OPERATION = 'other';

const PLANNER_SUFFIX = /__[a-z]+__\d+$/;

export function operationLabel(name: string | null | undefined, known: ReadonlySet<string>): string {
  if (!name) return OTHER_OPERATION;
  const operation = name.replace(PLANNER_SUFFIX, '');
  return known.has(operation) ? operation : OTHER_OPERATION;
}

/** Error codes are labels too: one the house defines is kept, any other is `OTHER`. */
export function errorCodeLabel(code: unknown, known: ReadonlySet<string>): string {
  return typeof code === 'string' && known.has(code) ? code : 'OTHER';
}
