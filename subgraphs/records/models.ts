import type { AccessLogRow } from './entities/access-log';
import type { ApprovedAppRow } from './entities/approved-app';
import type { Connection } from '../runtime/pagination';
import type { AccessPeriod } from './domain/practice-access';
import type { Visibility } from './domain/visibility';
import type { ExclusionEventRow } from './entities/exclusion-event';
import type { PatientRow } from './entities/patient';
import type { RecordEntryRow } from './entities/record-entry';

/**
 * What the records resolvers return for each GraphQL type (codegen mappers). A patient
 * resolved through `_entities` carries the raw `registeredPractice` the gateway fetched from
 * the rollout subgraph (@requires); it is parsed, strictly, only where it is used.
 */
export interface PatientModel extends PatientRow {
  practiceAccess?: unknown;
}
export interface PracticeRefModel {
  odsCode: string;
}
export type RecordEntryModel = RecordEntryRow;
export interface ClinicalEntryModel {
  entry: RecordEntryRow;
  visibility: Visibility;
}
export type RecordEntryConnectionModel = Connection<RecordEntryRow>;
export type ClinicalEntryConnectionModel = Connection<ClinicalEntryModel>;
export type PatientConnectionModel = Connection<PatientModel>;
export type ExclusionEventModel = ExclusionEventRow;
export type AccessPeriodModel = AccessPeriod;

/** An approved app with its scopes as a list. */
export type ApprovedAppModel = Omit<ApprovedAppRow, 'scopes'> & { scopes: string[] };
export type AccessLogEntryModel = AccessLogRow;
export type AccessLogConnectionModel = Connection<AccessLogRow>;
