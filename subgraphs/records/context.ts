import type { DataSource } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import { createRecordsLoaders, type RecordsLoaders } from './loaders';
import { RecordsStore } from './records-store';

export interface RecordsContext extends RequestContext {
  loaders: RecordsLoaders;
  records: RecordsStore;
}

export function recordsContext(base: RequestContext, dataSource: DataSource): RecordsContext {
  const records = new RecordsStore(dataSource);
  return { ...base, records, loaders: createRecordsLoaders(records) };
}
