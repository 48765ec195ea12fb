import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dataDir } from '../../platform/config';
import { defaultGatewayUrl } from '../gateway-client';
import { ReportArgumentError, reportPeriod, type ReportPeriod } from './report-period';

/** The options of `npm run report`, read and checked before anything is fetched. */
export const USAGE = `Usage: npm run report -- [--asOf YYYY-MM-DD] [--out FILE] [--gateway URL] [--token T]
  --asOf DATE    the day to report on, as it stood at the end of that day (now, for today); default now
  --out FILE     where to write the HTML; default data/reports/rollout-<day>.html
  --gateway URL  the gateway's GraphQL address; default http://localhost:$GATEWAY_PORT/graphql (port 4000)
  --token T      an analyst's or nhse's bearer token (or set ACCESS_TOKEN); without one, on a locally
                 started system, a short-lived analyst token is made with the development keys
Prints the path of the report written. Exit code 0 written, 1 not.`;

export interface ReportArgs {
  help: boolean;
  period: ReportPeriod;
  out: string;
  gateway: string;
  token: string | undefined;
}

export function parseReportArgs(argv: readonly string[], env: NodeJS.ProcessEnv, now: Date): ReportArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        asOf: { type: 'string' },
        out: { type: 'string' },
        gateway: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ReportArgumentError(error instanceof Error ? error.message : String(error));
  }
  const period = reportPeriod(values.asOf, now);
  const gateway = values.gateway ?? defaultGatewayUrl(env);
  if (!URL.canParse(gateway) || !['http:', 'https:'].includes(new URL(gateway).protocol)) {
    throw new ReportArgumentError(`--gateway must be an http(s) URL such as http://localhost:4000/graphql (got "${gateway}")`);
  }
  if (values.out === '') throw new ReportArgumentError('--out must name a file');
  return {
    help: values.help ?? false,
    period,
    out: values.out ?? join(dataDir(env), 'reports', `rollout-${period.day}.html`),
    gateway,
    token: values.token,
  };
}

/** The gateway as the report's footer names it: no credentials, no query string. */
export const sourceOf = (gateway: string): string => {
  const url = new URL(gateway);
  return `${url.host}${url.pathname}`;
};
