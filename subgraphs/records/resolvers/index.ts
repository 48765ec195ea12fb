import type { Resolvers } from '../generated/graphql';
import { AccessLogEntry } from './AccessLogEntry';
import { ApprovedApp } from './ApprovedApp';
import { ClinicalEntry } from './ClinicalEntry';
import { ExclusionEvent } from './ExclusionEvent';
import { Mutation } from './Mutation';
import { Patient } from './Patient';
import { Query } from './Query';
import { RecordEntry } from './RecordEntry';

/** The records subgraph's resolvers: one file per GraphQL type, thin over the pure rules in domain/. */
export const resolvers: Resolvers = {
  Query,
  Mutation,
  Patient,
  RecordEntry,
  ClinicalEntry,
  AccessLogEntry,
  ExclusionEvent,
  ApprovedApp,
};
