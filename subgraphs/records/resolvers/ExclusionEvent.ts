import { isPatientChoice, kindOf } from '../domain/exclusion';
import type { ExclusionEventResolvers } from '../generated/graphql';

export const ExclusionEvent: ExclusionEventResolvers = {
  // An event that cannot be read counts as excluding, as it does in the rule.
  excluded: (event) => {
    const kind = kindOf(event);
    return kind === null || kind === 'EXCLUDED' || kind === 'ACCESS_DECLINED';
  },
  kind: (event) => kindOf(event),
  patientChoice: (event) => {
    const kind = kindOf(event);
    return kind !== null && isPatientChoice(kind);
  },
};
