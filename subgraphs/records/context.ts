import type { DataSource } from 'typeorm';
import type { RequestContext } from '../runtime/request-context';
import { TextBudget } from '../runtime/text-budget';
import { AccessLogStore } from './store/access-log-store';
import { AppRegistry } from './store/app-registry';
import { AttemptCounter } from './store/attempt-counter';
import type { AppDecision } from './domain/app-access';
import { KeptCounts } from './caches/kept-counts';
import type { RecordsMetrics } from './metrics';
import { createRecordsLoaders, type RecordsLoaders } from './store/loaders';
import { RateLimiter, type AppRateLimits, type RateLimitDecision } from './store/rate-limiter';
import { RecordsStore } from './store/records-store';

export interface RecordsContext extends RequestContext {
  loaders: RecordsLoaders;
  records: RecordsStore;
  apps: AppRegistry;
  accessLog: AccessLogStore;
  rateLimiter: RateLimiter;
  /** Refused attempts counted per window: registrations per clinician, refusals per actor and patient. */
  attempts: AttemptCounter;
  /** An app viewer's approval, decided once per request from the database (never cached longer). */
  appDecision?: Promise<AppDecision>;
  /** Whether this request took its rate-limit tokens (once per request, however many `me`). */
  rateLimitTaken?: Promise<RateLimitDecision>;
  /** How far the rollout and records clocks may disagree: entries this close to a boundary are not shown. */
  clockToleranceMs: number;
  metrics: RecordsMetrics;
  /** The stored text this request may still return (titles and bodies). */
  textBudget: TextBudget;
}

export interface RecordsOptions {
  appRateLimit: AppRateLimits;
  clockToleranceMs: number;
  metrics: RecordsMetrics;
}

/** Each request's context; the counts kept between requests (kept-counts.ts) live here, one for the process. */
export const recordsContext = ({ appRateLimit, clockToleranceMs, metrics }: RecordsOptions) => {
  const keptCounts = new KeptCounts();
  return (base: RequestContext, dataSource: DataSource): RecordsContext => {
    const records = new RecordsStore(dataSource);
    const accessLog = new AccessLogStore(dataSource);
    const apps = new AppRegistry(dataSource);
    return {
      ...base,
      records,
      apps,
      accessLog,
      rateLimiter: new RateLimiter(dataSource, appRateLimit),
      attempts: new AttemptCounter(dataSource),
      clockToleranceMs,
      metrics,
      textBudget: new TextBudget(),
      loaders: createRecordsLoaders(records, apps, accessLog, keptCounts, () => metrics.accessLogWriteFailures.inc()),
    };
  };
};
