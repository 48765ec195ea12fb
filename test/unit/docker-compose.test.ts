import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { loadGatewayConfig } from '../../gateway/config';
import { loadDatabaseConfig, loadSubgraphConfig } from '../../subgraphs/runtime/config';
import { DEFAULT_METRICS_PORTS, DEFAULT_PORTS, type SubgraphName } from '../../platform/config';

/**
 * No Docker engine runs where the tests run, so docker-compose.yml and the Dockerfile are
 * checked against what the services really read: each service's environment, with Compose's
 * ${VAR} interpolation applied, is fed to the same configuration loaders the services call
 * at start (loadSubgraphConfig, loadGatewayConfig), in production mode.
 */

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  restart?: string;
  ports?: Array<string | { target?: number; published?: number | string }>;
  expose?: unknown[];
  networks?: string[] | Record<string, unknown>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  networks?: Record<string, { internal?: boolean } | null>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const packageJson = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

const SUBGRAPHS = Object.keys(DEFAULT_PORTS) as SubgraphName[];
const NODE_SERVICES = ['gateway', ...SUBGRAPHS];
const DATABASE_SERVICE = 'postgres';
/** Run once per `up` and exit: each grants its subgraph's own user what it needs, after the migrations. */
const grantsServiceOf = (name: SubgraphName) => `${name}-grants`;
/** Runs once per `up` and exits: `npm run migrate`, as the schema owner, before any subgraph starts. */
const MIGRATE_SERVICE = 'migrate';
const ONE_SHOTS = [...SUBGRAPHS.map(grantsServiceOf), MIGRATE_SERVICE];

/** What an operator would export before `docker compose up`: plausible, obviously fake. */
const HOST_ENVIRONMENT: Record<string, string> = {
  SUBGRAPH_SIGNING_SECRET: 'compose-test-signing-secret-not-a-real-one-0123456789',
  POSTGRES_PASSWORD: 'compose-test-password',
  PRACTICES_SERVICE_PASSWORD: 'compose-test-practices-service-password',
  ROLLOUT_SERVICE_PASSWORD: 'compose-test-rollout-service-password',
  RECORDS_SERVICE_PASSWORD: 'compose-test-records-service-password',
  NHS_LOGIN_ISSUER: 'https://auth.login.example.test',
  NHS_LOGIN_AUDIENCE: 'urn:citizen-access:gateway',
  NHS_LOGIN_PATIENT_CLIENT_IDS: 'nhs-app',
  CIS2_ISSUER: 'https://cis2.example.test/openam/oauth2/realms/root/realms/oidc',
  CIS2_AUDIENCE: 'urn:citizen-access:gateway',
  STAFF_ISSUER: 'https://staff.example.test/v2.0',
  STAFF_AUDIENCE: 'urn:citizen-access:gateway',
};
/** Variables that hold secrets (or name the identity provider): always from the environment. */
const SECRET_VARIABLES = Object.keys(HOST_ENVIRONMENT);

// ---------------------------------------------------------------------------------------------
// Compose's interpolation, as its specification describes it: $$ is a literal $; ${VAR},
// $VAR, ${VAR:-default} / ${VAR-default}, ${VAR:?error} / ${VAR?error}, ${VAR:+alt} / ${VAR+alt}.

class InterpolationError extends Error {}
const INTERPOLATION = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}$]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

function interpolate(value: string, env: Record<string, string>): string {
  if (value.replace(INTERPOLATION, '').includes('$')) {
    throw new InterpolationError(`invalid interpolation format in ${JSON.stringify(value)}`);
  }
  return value.replace(
    INTERPOLATION,
    (_match, dollar?: string, braced?: string, operator?: string, word?: string, bare?: string) => {
      if (dollar) return '$';
      const name = (braced ?? bare)!;
      const current = env[name];
      const unsetOrEmpty = current === undefined || current === '';
      const unset = current === undefined;
      switch (operator) {
        case ':-':
          return unsetOrEmpty ? word! : current;
        case '-':
          return unset ? word! : current;
        case ':?':
          if (unsetOrEmpty) throw new InterpolationError(`${name}: ${word}`);
          return current;
        case '?':
          if (unset) throw new InterpolationError(`${name}: ${word}`);
          return current;
        case ':+':
          return unsetOrEmpty ? '' : word!;
        case '+':
          return unset ? '' : word!;
        default:
          return current ?? '';
      }
    },
  );
}

/** A service's environment as the container would see it. */
function containerEnvironment(service: string, host: Record<string, string> = HOST_ENVIRONMENT): Record<string, string> {
  const raw = compose.services[service]?.environment ?? {};
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, interpolate(String(value ?? ''), host)]));
}
const rawEnvironment = (service: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(compose.services[service]?.environment ?? {}).map(([key, value]) => [key, String(value ?? '')]),
  );

const loadSubgraph = (name: SubgraphName, host?: Record<string, string>) =>
  loadSubgraphConfig(name, containerEnvironment(name, host));
const loadGateway = (host?: Record<string, string>) => loadGatewayConfig(containerEnvironment('gateway', host));

/** Every variable a loader looks at, even on the way to failing. */
function variablesReadBy(load: (env: NodeJS.ProcessEnv) => unknown, env: Record<string, string>): Set<string> {
  const seen = new Set<string>();
  const note = (key: string | symbol) => typeof key === 'string' && seen.add(key);
  const proxy = new Proxy(
    { ...env },
    {
      get: (target, key, receiver) => (note(key), Reflect.get(target, key, receiver)),
      has: (target, key) => (note(key), Reflect.has(target, key)),
      getOwnPropertyDescriptor: (target, key) => (note(key), Reflect.getOwnPropertyDescriptor(target, key)),
    },
  );
  try {
    load(proxy);
  } catch {
    // What it read before failing still counts.
  }
  return seen;
}
const without = (env: Record<string, string>, key: string) => Object.fromEntries(Object.entries(env).filter(([k]) => k !== key));

const commandOf = (service: string): string[] => {
  const command = compose.services[service]?.command;
  return Array.isArray(command) ? command : (command ?? '').split(/\s+/).filter(Boolean);
};
const networksOf = (service: string): string[] => {
  const networks = compose.services[service]?.networks ?? ['default'];
  return Array.isArray(networks) ? networks : Object.keys(networks);
};
const dependenciesOf = (service: string): Record<string, { condition?: string }> => {
  const dependsOn = compose.services[service]?.depends_on ?? {};
  return Array.isArray(dependsOn) ? Object.fromEntries(dependsOn.map((name) => [name, {}])) : dependsOn;
};
const healthcheckOf = (service: string): string[] => {
  const test = compose.services[service]?.healthcheck?.test ?? [];
  return Array.isArray(test) ? test : ['CMD-SHELL', test];
};
/** The URL a node service's `node -e` health check fetches. */
const healthcheckUrl = (service: string): URL => {
  const script = healthcheckOf(service)[3] ?? '';
  const match = /fetch\('([^']+)'\)/.exec(script);
  if (!match) throw new Error(`${service}: health check does not fetch a URL: ${script}`);
  return new URL(match[1]!);
};
const portOf = (url: URL) => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  describe('services', () => {
    it('runs exactly the gateway, the three subgraphs, PostgreSQL, the one-shot migrations and the three grants', () => {
      expect(Object.keys(compose.services).sort()).toEqual([...NODE_SERVICES, DATABASE_SERVICE, ...ONE_SHOTS].sort());
    });

    it.each(NODE_SERVICES)('%s runs what its `npm run start:<service>` script runs, with no npm in between', (service) => {
      // npm exits on SIGTERM and leaves the service running: it would never stop gracefully.
      const script = packageJson.scripts[`start:${service}`];
      expect(script).toBeDefined();
      expect(commandOf(service)).toEqual(script!.split(/\s+/));
    });

    it('every Node service runs the one image the Dockerfile builds', () => {
      const images = new Set(NODE_SERVICES.map((service) => compose.services[service]?.image));
      expect(images.size).toBe(1);
      for (const service of NODE_SERVICES) {
        const build = compose.services[service]?.build;
        const { context = '.', dockerfile = 'Dockerfile' } = typeof build === 'string' ? { context: build } : (build ?? {});
        expect(existsSync(join(root, context, dockerfile))).toBe(true);
        expect(resolve(root, context)).toBe(resolve(root));
      }
    });
  });

  describe('ports and networks', () => {
    it('only the gateway publishes a port, 4000:4000, the port the gateway is configured to listen on', () => {
      const publishing = Object.entries(compose.services).filter(([, service]) => (service.ports ?? []).length > 0);
      expect(publishing.map(([name]) => name)).toEqual(['gateway']);
      expect(compose.services.gateway?.ports).toEqual(['4000:4000']);
      expect(loadGateway().port).toBe(4000);
    });

    it('each Node service serves its figures on a metrics port of its own, never published, that the example Prometheus scrapes', () => {
      const scrape = parse(read('deploy/prometheus/prometheus.yml')) as {
        scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
      };
      const published = Object.values(compose.services).flatMap((service) => (service.ports ?? []).map(String));
      for (const service of NODE_SERVICES) {
        const config = service === 'gateway' ? loadGateway() : loadSubgraph(service as SubgraphName);
        expect({ service, metrics: config.metrics }).toEqual({
          service,
          metrics: { host: '0.0.0.0', port: DEFAULT_METRICS_PORTS[service as SubgraphName | 'gateway'], processMetrics: true },
        });
        expect(config.metrics!.port).not.toBe(config.port);
        expect(published.some((port) => port.split(':').includes(String(config.metrics!.port)))).toBe(false);
        const job = scrape.scrape_configs.find((each) => each.job_name === service);
        expect(job?.static_configs.flatMap((each) => each.targets)).toEqual([`${service}:${config.metrics!.port}`]);
      }
      expect(scrape.scrape_configs.map((each) => each.job_name).sort()).toEqual([...NODE_SERVICES].sort());
    });

    it('the subgraphs, PostgreSQL and the one-shots sit on internal networks only, one of which the gateway shares', () => {
      for (const service of [...SUBGRAPHS, DATABASE_SERVICE, ...ONE_SHOTS]) {
        for (const network of networksOf(service)) {
          expect({ service, network, internal: compose.networks?.[network]?.internal }).toEqual({
            service,
            network,
            internal: true,
          });
        }
        expect(networksOf('gateway').some((network) => networksOf(service).includes(network))).toBe(true);
      }
    });
  });

  describe('health checks and start order', () => {
    it('every service has a health check, but the one-shot, which is never restarted and completes instead', () => {
      for (const service of ONE_SHOTS) {
        expect({ service, restart: compose.services[service]?.restart }).toEqual({ service, restart: 'no' });
      }
      for (const service of Object.keys(compose.services).filter((name) => !ONE_SHOTS.includes(name))) {
        expect({ service, healthcheck: healthcheckOf(service).length > 0 }).toEqual({ service, healthcheck: true });
        expect(compose.services[service]?.healthcheck?.disable).not.toBe(true);
      }
    });

    it('PostgreSQL is checked with pg_isready over TCP, so it is not healthy while the init script runs', () => {
      const test = healthcheckOf(DATABASE_SERVICE);
      expect(test[0]).toBe('CMD');
      expect(test[1]).toBe('pg_isready');
      expect(test).toContain('--host=127.0.0.1');
      expect(test).toContain(`--username=${containerEnvironment(DATABASE_SERVICE).POSTGRES_USER}`);
    });

    it.each(SUBGRAPHS)('%s is checked on /readyz (its database) at the port it is configured to listen on', (name) => {
      const url = healthcheckUrl(name);
      expect(healthcheckOf(name).slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      expect(url.pathname).toBe('/readyz');
      expect(portOf(url)).toBe(loadSubgraph(name).port);
    });

    it('the gateway is checked on /readyz (every subgraph) at the port it is configured to listen on', () => {
      const url = healthcheckUrl('gateway');
      expect(healthcheckOf('gateway').slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      expect(url.pathname).toBe('/readyz');
      expect(portOf(url)).toBe(loadGateway().port);
    });

    describe('the node -e health check one-liner', () => {
      let server: Server;
      let status = 200;
      let port = 0;
      beforeAll(async () => {
        server = createServer((req, res) => {
          res.writeHead(req.url === '/readyz' ? status : 404, { 'content-type': 'application/json' }).end('{}');
        });
        await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
        port = (server.address() as AddressInfo).port;
      });
      afterAll(() => new Promise<void>((done) => server.close(() => done())));

      const runCheck = async (service: string, atPort: number): Promise<number> => {
        const script = healthcheckOf(service)[3]!.replace(/:\d+\//, `:${atPort}/`);
        try {
          await promisify(execFile)(process.execPath, ['-e', script], { timeout: 10_000 });
          return 0;
        } catch (error) {
          return (error as { code?: number }).code ?? -1;
        }
      };

      it.each(NODE_SERVICES)('for %s exits 0 when /readyz answers 200, and 1 when it answers 503', async (service) => {
        status = 200;
        expect(await runCheck(service, port)).toBe(0);
        status = 503;
        expect(await runCheck(service, port)).toBe(1);
      });

      it('exits 1 when nothing listens', async () => {
        const closed = createServer();
        await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
        const unused = (closed.address() as AddressInfo).port;
        await new Promise<void>((done) => closed.close(() => done()));
        expect(await runCheck('gateway', unused)).toBe(1);
      });
    });

    it('every depends_on waits for the other service to be healthy (it has a health check), or a one-shot to complete', () => {
      for (const service of Object.keys(compose.services)) {
        for (const [dependency, { condition }] of Object.entries(dependenciesOf(service))) {
          const awaited = ONE_SHOTS.includes(dependency) ? 'service_completed_successfully' : 'service_healthy';
          expect({ service, dependency, condition }).toEqual({ service, dependency, condition: awaited });
          if (awaited === 'service_healthy') expect(healthcheckOf(dependency).length).toBeGreaterThan(0);
        }
      }
    });

    it('every Node service depends on something: each subgraph on PostgreSQL, rollout also on practices, the gateway on every subgraph and every grants one-shot', () => {
      for (const name of SUBGRAPHS) expect(Object.keys(dependenciesOf(name))).toContain(DATABASE_SERVICE);
      expect(Object.keys(dependenciesOf('rollout'))).toContain('practices');
      expect(Object.keys(dependenciesOf('gateway')).sort()).toEqual([...SUBGRAPHS, ...SUBGRAPHS.map(grantsServiceOf)].sort());
    });
  });

  describe('secrets', () => {
    it('SUBGRAPH_SIGNING_SECRET, the database passwords and the issuer settings are always ${VAR:?message}, never a literal', () => {
      let checked = 0;
      for (const service of Object.keys(compose.services)) {
        for (const [key, value] of Object.entries(rawEnvironment(service))) {
          if (!SECRET_VARIABLES.includes(key) && !/SECRET|PASSWORD|TOKEN|PRIVATE|_KEY$/.test(key)) continue;
          expect({ service, key, value }).toEqual({
            service,
            key,
            value: expect.stringMatching(new RegExp(`^\\$\\{${key}:\\?[^}]+\\}$`)),
          });
          checked += 1;
        }
      }
      // The gateway and three subgraphs get the signing secret; PostgreSQL its password and each
      // subgraph's service user's (for the init script); the gateway its three issuers' settings.
      expect(checked).toBe(NODE_SERVICES.length + 1 + SUBGRAPHS.length + 7);
    });

    it.each(
      SUBGRAPHS.flatMap((name) => {
        const upper = name.toUpperCase();
        return [
          [name, `${upper}_MIGRATION_DATABASE_URL`, 'POSTGRES_PASSWORD'],
          [name, `${upper}_DATABASE_URL`, `${upper}_SERVICE_PASSWORD`],
          [grantsServiceOf(name), `${upper}_MIGRATION_DATABASE_URL`, 'POSTGRES_PASSWORD'],
          [MIGRATE_SERVICE, `${upper}_DATABASE_URL`, 'POSTGRES_PASSWORD'],
        ];
      }),
    )("%s's %s takes its password from ${%s:?message}", (service, key, password) => {
      const url = rawEnvironment(service)[key] ?? '';
      expect(url).toMatch(new RegExp(`^postgres://[^:@/]+:\\$\\{${password}:\\?[^}]+\\}@`));
    });

    it.each(SECRET_VARIABLES)('without %s in the environment, Compose refuses to start (interpolation fails)', (variable) => {
      const host = without(HOST_ENVIRONMENT, variable);
      const failures = Object.keys(compose.services).filter((service) => {
        try {
          containerEnvironment(service, host);
          return false;
        } catch (error) {
          return error instanceof InterpolationError && error.message.startsWith(`${variable}:`);
        }
      });
      expect(failures.length).toBeGreaterThan(0);
    });

    it('none of the test secrets appear anywhere in the file (they come from the environment only)', () => {
      const text = read('docker-compose.yml');
      for (const value of Object.values(HOST_ENVIRONMENT)) expect(text).not.toContain(value);
    });

    it('.env, where the secrets may be kept, is ignored by git and kept out of the Docker build context', () => {
      expect(
        read('.gitignore')
          .split('\n')
          .map((line) => line.trim()),
      ).toContain('.env');
      expect(dockerignorePatterns()).toContain('.env');
    });
  });

  describe('PostgreSQL: one database per subgraph', () => {
    const postgres = () => containerEnvironment(DATABASE_SERVICE);
    const databaseUrl = (name: SubgraphName) => {
      const database = loadSubgraph(name).database;
      if (database.kind !== 'postgres') throw new Error(`${name} would use SQLite, not PostgreSQL`);
      return new URL(database.url);
    };
    const initScripts = () =>
      (compose.services[DATABASE_SERVICE]?.volumes ?? [])
        .map((volume) => (typeof volume === 'string' ? volume.split(':') : [volume.source ?? '', volume.target ?? '']))
        .filter(([, target]) => target?.startsWith('/docker-entrypoint-initdb.d/'))
        .map(([source]) => source!);
    const createdDatabases = () =>
      initScripts().flatMap((script) =>
        [...readFileSync(join(root, script), 'utf8').matchAll(/^\s*CREATE\s+DATABASE\s+"?(\w+)"?/gim)].map((match) => match[1]!),
      );

    it('mounts an init script that exists into /docker-entrypoint-initdb.d', () => {
      expect(initScripts().length).toBeGreaterThan(0);
      for (const script of initScripts()) expect(statSync(join(root, script)).isFile()).toBe(true);
    });

    it.each(SUBGRAPHS)('%s connects (and migrates, if apart) to its own database, on the postgres service', (name) => {
      const database = loadSubgraph(name).database;
      const urls = database.kind === 'postgres' ? [database.url, database.migrationUrl].filter(Boolean) : [];
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls.map((text) => new URL(text!))) {
        expect(url.protocol).toBe('postgres:');
        expect(url.hostname).toBe(DATABASE_SERVICE);
        expect(url.port).toBe('5432');
        expect(url.pathname).toBe(`/${name}`);
      }
    });

    it('the init script creates exactly the databases the subgraphs name', () => {
      const named = SUBGRAPHS.map((name) => databaseUrl(name).pathname.slice(1));
      expect(createdDatabases().sort()).toEqual(named.sort());
    });

    it('POSTGRES_DB is not one of them (the entrypoint creates it before the init script, which would then fail)', () => {
      expect(createdDatabases()).not.toContain(postgres().POSTGRES_DB ?? postgres().POSTGRES_USER);
    });

    it('keeps its data in a named volume', () => {
      const data = (compose.services[DATABASE_SERVICE]?.volumes ?? []).find(
        (volume) => typeof volume === 'string' && volume.endsWith(':/var/lib/postgresql/data'),
      );
      expect(data).toBeDefined();
    });
  });

  describe('migrations: one step before the subgraphs, as the owner', () => {
    it('the one-shot runs `npm run migrate`, which package.json defines, from the image the services run', () => {
      expect(commandOf(MIGRATE_SERVICE)).toEqual(['npm', 'run', 'migrate']);
      expect(packageJson.scripts.migrate).toBe('tsx scripts/migrate.ts');
      expect(compose.services[MIGRATE_SERVICE]?.image).toBe(compose.services.gateway?.image);
      expect(read('Dockerfile')).toContain('COPY scripts/migrate.ts ./scripts/migrate.ts');
    });

    it.each(SUBGRAPHS)('migrates %s as the owner of the database the service uses, with no secret but that', (name) => {
      const env = containerEnvironment(MIGRATE_SERVICE);
      const service = loadSubgraph(name).database;
      const migrating = loadDatabaseConfig(name, env);
      if (service.kind !== 'postgres' || migrating.kind !== 'postgres') throw new Error(`${name}: not PostgreSQL`);
      const owner = new URL(migrating.migrationUrl ?? migrating.url);
      expect(owner.href).toBe(new URL(service.migrationUrl ?? service.url).href);
      expect(decodeURIComponent(owner.username)).toBe(containerEnvironment(DATABASE_SERVICE).POSTGRES_USER);
      expect(Object.keys(env).sort()).toEqual(['PRACTICES_DATABASE_URL', 'RECORDS_DATABASE_URL', 'ROLLOUT_DATABASE_URL']);
    });

    it.each(SUBGRAPHS)('%s starts only once the migrations have completed (in production it runs none itself)', (name) => {
      expect(dependenciesOf(name)[MIGRATE_SERVICE]).toEqual({ condition: 'service_completed_successfully' });
      expect(loadSubgraph(name).migrateAtStart).toBe(false);
      expect(dependenciesOf(MIGRATE_SERVICE)).toEqual({ postgres: { condition: 'service_healthy' } });
    });
  });

  describe.each(SUBGRAPHS)('%s: migrated by the owner, served by its own user with exact grants', (name) => {
    const upper = name.toUpperCase();
    const role = `${name}_service`;
    const grantsService = grantsServiceOf(name);
    const grantsFile = `docker/postgres/${name}-grants.sql`;
    const postgres = () => containerEnvironment(DATABASE_SERVICE);
    const urls = () => {
      const database = loadSubgraph(name).database;
      if (database.kind !== 'postgres' || !database.migrationUrl) throw new Error(`${name} has no separate migration URL`);
      return { service: new URL(database.url), owner: new URL(database.migrationUrl) };
    };
    const mounts = (service: string) =>
      (compose.services[service]?.volumes ?? []).map((volume) =>
        typeof volume === 'string' ? volume.split(':') : [volume.source ?? '', volume.target ?? ''],
      );

    it(`migrates as the owner, POSTGRES_USER, and serves as ${role} with its own password`, () => {
      const { service, owner } = urls();
      expect(decodeURIComponent(owner.username)).toBe(postgres().POSTGRES_USER);
      expect(decodeURIComponent(owner.password)).toBe(HOST_ENVIRONMENT.POSTGRES_PASSWORD);
      expect(decodeURIComponent(service.username)).toBe(role);
      expect(decodeURIComponent(service.password)).toBe(HOST_ENVIRONMENT[`${upper}_SERVICE_PASSWORD`]);
    });

    it('an init script, run after the databases are made, creates that login role with the password PostgreSQL is given', () => {
      expect(postgres()[`${upper}_SERVICE_PASSWORD`]).toBe(HOST_ENVIRONMENT[`${upper}_SERVICE_PASSWORD`]);
      const scripts = mounts(DATABASE_SERVICE).filter(([, target]) => target?.startsWith('/docker-entrypoint-initdb.d/'));
      const roles = scripts.find(([source]) => /CREATE ROLE/.test(read(source!)));
      const databases = scripts.find(([source]) => /CREATE DATABASE/.test(read(source!)));
      expect(roles).toBeDefined();
      expect(roles![1]!.localeCompare(databases![1]!)).toBeGreaterThan(0); // the entrypoint runs them in name order
      const script = read(roles![0]!);
      // One function makes every role, named <name>_service after the database it serves.
      expect(script).toContain(`CREATE ROLE :"role" LOGIN PASSWORD :'password';`);
      expect(script).toContain('--set role="$1_service" --set password="$2"');
      expect(script).toMatch(new RegExp(`^create_role ${name} "\\$${upper}_SERVICE_PASSWORD"`, 'm'));
      // In the subgraph's own database, which only its role (and the owner) may then connect to.
      expect(urls().service.pathname).toBe(`/${name}`);
      expect(script).toContain('--dbname "$1"');
      expect(script).toContain('REVOKE CONNECT ON DATABASE :"database" FROM PUBLIC;');
      expect(script).toContain('GRANT CONNECT ON DATABASE :"database" TO :"role";');
    });

    it(`the one-shot applies ${grantsFile} with psql as the owner, once ${name} has migrated`, () => {
      const grants = compose.services[grantsService]!;
      expect(grants.image).toBe(compose.services[DATABASE_SERVICE]?.image); // it has psql
      expect(grants.restart).toBe('no');
      const [shell, dashC, script] = commandOf(grantsService);
      expect([shell, dashC]).toEqual(['sh', '-c']);
      expect(script).toMatch(/^psql .*-v ON_ERROR_STOP=1 /);
      // Compose turns $$ into $: the shell expands the variable, so the password is not in the command.
      expect(script).toContain(`--dbname="$$${upper}_MIGRATION_DATABASE_URL"`);
      const file = /--file=(\S+)/.exec(script!)?.[1];
      expect(mounts(grantsService)).toContainEqual([`./${grantsFile}`, file, 'ro']);
      expect(statSync(join(root, grantsFile)).isFile()).toBe(true);
      expect(containerEnvironment(grantsService)[`${upper}_MIGRATION_DATABASE_URL`]).toBe(urls().owner.href);
      // The subgraph is healthy only once its migrations have run; the gateway waits for the grants.
      expect(dependenciesOf(grantsService)).toEqual({ [name]: { condition: 'service_healthy' } });
      expect(dependenciesOf('gateway')[grantsService]).toEqual({ condition: 'service_completed_successfully' });
    });

    it('the grants file grants to, and revokes from, the role the subgraph serves as and no other', () => {
      const roles = [...read(grantsFile).matchAll(/\b(?:TO|FROM)\s+(\w+)/g)].map((match) => match[1]);
      expect(roles.length).toBeGreaterThan(0);
      expect(new Set(roles)).toEqual(new Set([urls().service.username]));
    });

    it(`${upper}_MIGRATION_DATABASE_URL alone is refused: it is for PostgreSQL, beside ${upper}_DATABASE_URL`, () => {
      const env = without(containerEnvironment(name), `${upper}_DATABASE_URL`);
      expect(() => loadSubgraphConfig(name, env)).toThrow(
        new RegExp(`${upper}_MIGRATION_DATABASE_URL: needs ${upper}_DATABASE_URL`),
      );
    });
  });

  describe("each service's environment, given to the configuration loader it runs", () => {
    it.each(SUBGRAPHS)('%s parses in production mode, listening on 0.0.0.0 at its port, using PostgreSQL', (name) => {
      const env = containerEnvironment(name);
      expect(env.NODE_ENV).toBe('production');
      const config = loadSubgraph(name);
      expect(config.host).toBe('0.0.0.0');
      expect(config.port).toBe(DEFAULT_PORTS[name]);
      expect(config.database.kind).toBe('postgres');
      expect(config.signingSecret).toBe(HOST_ENVIRONMENT.SUBGRAPH_SIGNING_SECRET);
      expect(config.logLevel).toBe('info');
    });

    it.each(SUBGRAPHS)('%s: every variable it is given is one its loader reads (no misspelt names)', (name) => {
      const env = containerEnvironment(name);
      const readVariables = new Set([
        ...variablesReadBy((e) => loadSubgraphConfig(name, e), env),
        // NODE_ENV is consulted only when there is no signing secret: ask that way too.
        ...variablesReadBy((e) => loadSubgraphConfig(name, e), without(env, 'SUBGRAPH_SIGNING_SECRET')),
      ]);
      expect(Object.keys(env).filter((key) => !readVariables.has(key))).toEqual([]);
    });

    it.each(SUBGRAPHS)('%s, being in production mode, would refuse to start without the signing secret', (name) => {
      expect(() => loadSubgraphConfig(name, without(containerEnvironment(name), 'SUBGRAPH_SIGNING_SECRET'))).toThrow(
        /required in production/,
      );
    });

    it('DEMO_DATA defaults to 0 (no demo data) and DEMO_DATA=1 seeds empty databases', () => {
      for (const name of SUBGRAPHS) {
        expect(loadSubgraph(name).demoData).toBe(false);
        expect(loadSubgraph(name, { ...HOST_ENVIRONMENT, DEMO_DATA: '1' }).demoData).toBe(true);
      }
    });

    it('rollout is told where practices listens', () => {
      const url = new URL(loadSubgraph('rollout').practicesUrl);
      expect(url.hostname).toBe('practices');
      expect(portOf(url)).toBe(loadSubgraph('practices').port);
      expect(url.pathname).toBe('/graphql');
    });

    it('the gateway parses in production mode, listening on 0.0.0.0, trusting the JWKS it is given', () => {
      const env = containerEnvironment('gateway');
      expect(env.NODE_ENV).toBe('production');
      const config = loadGateway();
      expect(config.host).toBe('0.0.0.0');
      expect(config.jwt.maxLifetimeSeconds).toBe(24 * 60 * 60);
      expect(config.jwt.issuers).toEqual([
        expect.objectContaining({
          name: 'nhs-login',
          issuer: HOST_ENVIRONMENT.NHS_LOGIN_ISSUER,
          audiences: [HOST_ENVIRONMENT.NHS_LOGIN_AUDIENCE],
          keys: { kind: 'discovery', url: `${HOST_ENVIRONMENT.NHS_LOGIN_ISSUER}/.well-known/openid-configuration` },
          patientClientIds: ['nhs-app'],
        }),
        expect.objectContaining({ name: 'cis2', issuer: HOST_ENVIRONMENT.CIS2_ISSUER }),
        expect.objectContaining({ name: 'staff', issuer: HOST_ENVIRONMENT.STAFF_ISSUER }),
      ]);
      expect(config.signingSecret).toBe(HOST_ENVIRONMENT.SUBGRAPH_SIGNING_SECRET);
      expect(config.signingSecret).toBe(loadSubgraph('records').signingSecret);
    });

    it.each(SUBGRAPHS)('the gateway reaches %s by its service name at the port it listens on', (name) => {
      const url = new URL(loadGateway().subgraphUrls[name]);
      expect(url.hostname).toBe(name);
      expect(portOf(url)).toBe(loadSubgraph(name).port);
      expect(url.pathname).toBe('/graphql');
    });

    it('the gateway: every variable it is given is one its loader reads (no misspelt names)', () => {
      const env = containerEnvironment('gateway');
      const readVariables = variablesReadBy(loadGatewayConfig, env);
      expect(Object.keys(env).filter((key) => !readVariables.has(key))).toEqual([]);
    });

    it('the gateway, being in production mode, would refuse to start without an issuer or the signing secret', () => {
      const env = containerEnvironment('gateway');
      expect(() => loadGatewayConfig(without(env, 'CIS2_ISSUER'))).toThrow(/CIS2_ISSUER: required in production/);
      expect(() => loadGatewayConfig(without(env, 'SUBGRAPH_SIGNING_SECRET'))).toThrow(/required in production/);
    });

    it("the gateway's supergraph (its default path) is in schema/, which the image contains", () => {
      const path = loadGateway().supergraphPath;
      expect(existsSync(path)).toBe(true);
      expect(dockerfile().copiedPaths.some((copied) => !relative(join(root, copied), path).startsWith('..'))).toBe(true);
    });
  });
});

// ---------------------------------------------------------------------------------------------

function dockerignorePatterns(): string[] {
  return read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}
const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/^\/|\/$/g, '')
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*/g, '.*')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}(/.*)?$`,
  );
const ignoredByDocker = (path: string) => {
  let ignored = false;
  for (const pattern of dockerignorePatterns()) {
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(path)) ignored = !negated;
  }
  return ignored;
};

interface Stage {
  from: string;
  instructions: string[];
}
function dockerfile() {
  // Join continuation lines, drop comments, split into stages.
  const instructions = read('Dockerfile')
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (/^FROM\s/i.test(instruction)) stages.push({ from: instruction, instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  const copies = instructions
    .filter((instruction) => /^COPY\s/i.test(instruction) && !/--from=/i.test(instruction))
    .map((instruction) =>
      instruction
        .split(/\s+/)
        .slice(1)
        .filter((word) => !word.startsWith('--')),
    );
  const copiedPaths = copies.flatMap((words) => words.slice(0, -1)).map((path) => path.replace(/^\.\//, '').replace(/\/$/, ''));
  return { stages, copiedPaths };
}

describe('Dockerfile', () => {
  const { stages, copiedPaths } = dockerfile();
  const runtime = () => stages.at(-1)!;
  const build = () => stages.find((stage) => stage.instructions.some((instruction) => /\bnpm ci\b/.test(instruction)));

  it('every stage is based on node:24-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^FROM\s+node:24-bookworm-slim(\s+AS\s+\w+)?$/i);
  });

  it('copies package.json and package-lock.json, which exist, before running npm ci in the build stage', () => {
    const stage = build();
    expect(stage).toBeDefined();
    const ci = stage!.instructions.findIndex((instruction) => /\bnpm ci\b/.test(instruction));
    const copy = stage!.instructions.findIndex(
      (instruction) =>
        /^COPY\s/i.test(instruction) && instruction.includes('package.json') && instruction.includes('package-lock.json'),
    );
    expect(copy).toBeGreaterThanOrEqual(0);
    expect(copy).toBeLessThan(ci);
    expect(existsSync(join(root, 'package.json'))).toBe(true);
    expect(existsSync(join(root, 'package-lock.json'))).toBe(true);
  });

  it('needs no compiler: every native addon the image installs carries its Linux builds', () => {
    // What `npm ci --omit=dev` installs: the lockfile's packages not marked dev-only.
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }>;
    };
    const production = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.dev);
    const native = production
      .map(([path]) => path)
      .filter((path) => existsSync(join(root, path, 'binding.gyp')) || existsSync(join(root, path, 'prebuilds')));
    expect(native).toEqual(['node_modules/better-sqlite3']);
    for (const build of ['linux-x64.node', 'linux-arm64.node']) {
      expect(existsSync(join(root, 'node_modules/better-sqlite3/prebuilds', build))).toBe(true);
    }
    // The only install scripts left check or link what the package brought; none compiles.
    expect(production.filter(([, entry]) => entry.hasInstallScript).map(([path]) => path)).toEqual([
      'node_modules/@apollo/protobufjs', // checks the version scheme of those who use it
      'node_modules/esbuild', // (tsx's) checks its platform binary, itself a package
      'node_modules/protobufjs', // checks its version
    ]);
    for (const stage of stages) {
      expect(stage.instructions.some((instruction) => /apt-get install/.test(instruction))).toBe(false);
    }
  });

  it('starts the gateway by default, as its npm script does, with no npm in between', () => {
    const cmd = runtime()
      .instructions.filter((instruction) => /^CMD\s/i.test(instruction))
      .at(-1)!;
    const words = JSON.parse(cmd.replace(/^CMD\s+/i, '')) as string[];
    expect(words).toEqual(packageJson.scripts['start:gateway']!.split(/\s+/));
  });

  it('runs as the non-root node user', () => {
    const users = runtime().instructions.filter((instruction) => /^USER\s/i.test(instruction));
    expect(users.at(-1)).toMatch(/^USER\s+node$/i);
  });

  it('copies only files that exist, none of which .dockerignore leaves out', () => {
    for (const path of copiedPaths) {
      expect({ path, exists: existsSync(join(root, path)), ignored: ignoredByDocker(path) }).toEqual({
        path,
        exists: true,
        ignored: false,
      });
    }
  });

  it.each(NODE_SERVICES)("the file %s's npm script runs exists and is copied into the image", (service) => {
    const script = packageJson.scripts[`start:${service}`] ?? '';
    // node itself runs each service (TypeScript through tsx's loader), so SIGTERM reaches the
    // service with no wrapper in between that could kill it before it has finished.
    const words = script.split(/\s+/);
    const importAt = words.indexOf('--import');
    const [runner, flags, loader, entry] = [
      words[0],
      words.slice(1, importAt),
      words.slice(importAt, importAt + 2),
      words[importAt + 2],
    ];
    expect([runner, loader]).toEqual(['node', ['--import', 'tsx']]);
    // Each service gets one or two cores (the manifests' limit is one), while V8 sizes its garbage
    // collector's helper threads by the host's: they would only queue for the same cores (decision 0094).
    expect(flags).toEqual(['--single-threaded-gc']);
    expect(existsSync(join(root, entry!))).toBe(true);
    expect(copiedPaths.some((copied) => entry === copied || entry!.startsWith(`${copied}/`))).toBe(true);
  });

  it('tsx, which runs the services, is a production dependency (the image installs no devDependencies)', () => {
    expect(packageJson.dependencies.tsx).toBeDefined();
  });

  it('every package the gateway and subgraphs import at run time is a production dependency', () => {
    const packagesImported = new Set<string>();
    const visit = (directory: string) => {
      for (const entry of readdirSync(join(root, directory), { withFileTypes: true })) {
        const path = `${directory}/${entry.name}`;
        if (entry.isDirectory()) visit(path);
        else if (entry.name.endsWith('.ts')) {
          const source = read(path).replace(/^\s*(import|export)\s+type\s[^;]*;/gm, '');
          for (const match of source.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|^\s*import\s+)'([^'.][^']*)'/gm)) {
            const specifier = match[1]!;
            if (specifier.startsWith('node:')) continue;
            const parts = specifier.split('/');
            packagesImported.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
          }
        }
      }
    };
    for (const directory of ['gateway', 'subgraphs']) visit(directory);
    expect(packagesImported.size).toBeGreaterThan(0);
    expect([...packagesImported].filter((name) => !(name in packageJson.dependencies))).toEqual([]);
  });
});
