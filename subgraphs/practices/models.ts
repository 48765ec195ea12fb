import type { Connection } from '../runtime/pagination';
import type { IcbRow } from './entities/integrated-care-board';
import type { PracticeRow } from './entities/practice';

/** What the practices resolvers return for each GraphQL type (codegen mappers). */
export type PracticeModel = PracticeRow;
export type IcbModel = IcbRow;
export type PracticeConnectionModel = Connection<PracticeRow>;
