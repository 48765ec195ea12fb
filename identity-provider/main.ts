import { join } from 'node:path';
import { z } from 'zod';
import { dataDir, parseEnv, port } from '../platform/config';
import { runUntilSignalled } from '../platform/main-loop';
import { startIdentityProvider } from './server';

/** `npm run start:identity-provider`: the local development identity provider alone (IDENTITY_PROVIDER_PORT, default 4005). */
const env = parseEnv({ IDENTITY_PROVIDER_PORT: port(4005), HOST: z.string().default('127.0.0.1') }, process.env);
runUntilSignalled('identity provider', () =>
  startIdentityProvider({ host: env.HOST, port: env.IDENTITY_PROVIDER_PORT, keysPath: join(dataDir(), 'dev-jwt-keys.json') }),
);
