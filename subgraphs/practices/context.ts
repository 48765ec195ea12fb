import type { DataSource } from 'typeorm';
import type { RequestContext } from '../runtime/request-context';
import { createPracticeLoaders, type PracticeLoaders } from './store/loaders';
import { PracticeStore } from './store/practice-store';

export interface PracticesContext extends RequestContext {
  loaders: PracticeLoaders;
  practices: PracticeStore;
}

export function practicesContext(base: RequestContext, dataSource: DataSource): PracticesContext {
  const practices = new PracticeStore(dataSource);
  return { ...base, practices, loaders: createPracticeLoaders(practices) };
}
