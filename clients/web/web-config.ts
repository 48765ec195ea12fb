import { z } from 'zod';
import { parseEnv, port } from '../../platform/config';

export interface WebConfig {
  host: string;
  port: number;
  /** The gateway the pages call, on another origin than theirs (so the browser applies CORS). */
  gatewayUrl: string;
}

/** WEB_HOST, WEB_PORT (4100) and WEB_GATEWAY_URL (the local gateway), parsed once at start. */
export function loadWebConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  const parsed = parseEnv(
    {
      WEB_HOST: z.string().min(1).default('127.0.0.1'),
      WEB_PORT: port(4100),
      WEB_GATEWAY_URL: z.string().url().default('http://127.0.0.1:4000/graphql'),
    },
    env,
  );
  return { host: parsed.WEB_HOST, port: parsed.WEB_PORT, gatewayUrl: parsed.WEB_GATEWAY_URL };
}
