import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
// Exported from the package's root only from 2.15, which needs Node 22; 2.14 keeps it here.
import type { GraphQLResolverMap } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { DataSource } from 'typeorm';
import { Registry } from 'prom-client';
import { systemClock, type Clock } from '../../platform/clock';
import type { SubgraphConfig } from './config';
import { checkDataVersion, type DataVersionSpec } from './data-version';
import { databaseAnswers, openDatabase, type Database, type DatabaseOptions } from './database';
import { createLogger, type Logger } from '../../platform/logger';
import type { RequestContext } from './request-context';
import { DateScalar, DateTimeScalar } from './scalars';
import type { ServiceHandle } from '../../platform/http';
import { serveMetrics, type MetricsHandle } from '../../platform/metrics-server';
import { addProcessMetrics } from '../../platform/service-registry';
import { databaseMetrics } from './database-metrics';
import { startSubgraphServer } from './subgraph-server';

export interface SubgraphHandle extends ServiceHandle {
  database: Database;
  /** Where its figures are scraped (`http://host:port/metrics`), when the config gives a metrics port. */
  metricsUrl?: string;
}

/** What the caller may hand in: tests pass a fixed clock and a quiet logger. */
export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
}

export interface SubgraphDefinition<C extends RequestContext> extends Omit<DatabaseOptions, 'logger'> {
  resolvers: object;
  contextFor(base: RequestContext, dataSource: DataSource): C;
  /** Loads the demo data into an empty database (DEMO_DATA=1, as `npm start` sets). */
  seedDemoData?(dataSource: DataSource, clock: Clock): Promise<void>;
  /** Data versions the service relies on, checked before it serves (see data-version.ts). */
  dataVersions?: readonly DataVersionSpec[];
  /** Other checks of the database before it serves; each throws to stop the start. */
  startupChecks?: readonly ((dataSource: DataSource) => Promise<void>)[];
  /** The registry the subgraph keeps its own figures in; the shared ones (operations, database, clock) join them. */
  metrics?: Registry;
}

export function subgraphTypeDefs(name: string) {
  return parse(readFileSync(join(__dirname, '..', '..', 'schema', `${name}.graphql`), 'utf8'));
}

/** The one way every subgraph starts: database migrated (and seeded), schema built, HTTP up. */
export async function startSubgraph<C extends RequestContext>(
  config: SubgraphConfig,
  definition: SubgraphDefinition<C>,
  options: StartOptions = {},
): Promise<SubgraphHandle> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.name, config.logLevel);
  const registry = addProcessMetrics(definition.metrics ?? new Registry(), config.metrics?.processMetrics);
  const databaseFigures = databaseMetrics(registry);
  const database = await openDatabase(config.database, {
    observeQuery: databaseFigures.observeQuery,
    entities: definition.entities,
    migrations: definition.migrations,
    logger,
    migrateAtStart: config.migrateAtStart ?? true,
    service: config.name,
    // Demo data goes in with the migrations (as the schema owner, given one): the service's user may lack its grants yet.
    prepare: async (dataSource) => {
      if (config.demoData) await definition.seedDemoData?.(dataSource, clock);
    },
  });
  databaseFigures.watch(database.dataSource);
  let metrics: MetricsHandle | undefined;
  try {
    for (const spec of definition.dataVersions ?? []) await checkDataVersion(database.dataSource, spec);
    for (const check of definition.startupChecks ?? []) await check(database.dataSource);
    const schema = buildSubgraphSchema([
      {
        typeDefs: subgraphTypeDefs(config.name),
        resolvers: { DateTime: DateTimeScalar, Date: DateScalar, ...definition.resolvers } as GraphQLResolverMap<unknown>,
      },
    ]);
    const server = await startSubgraphServer(
      {
        name: config.name,
        schema,
        signingSecret: config.signingSecret,
        clock,
        logger,
        contextFor: (base) => definition.contextFor(base, database.dataSource),
        isReady: () => databaseAnswers(database.dataSource),
        maxClockSkewMs: config.maxClockSkewMs,
        metrics: registry,
      },
      { host: config.host, port: config.port },
    );
    try {
      if (config.metrics) metrics = await serveMetrics(registry, config.metrics, logger);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return {
      ...server,
      database,
      ...(metrics ? { metricsUrl: metrics.url } : {}),
      stop: async () => {
        await metrics?.stop();
        await server.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
