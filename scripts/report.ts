import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { GatewayError, resolveToken } from '../clients/gateway-client';
import { parseReportArgs, sourceOf, USAGE } from '../clients/report/report-args';
import { fetchReportData } from '../clients/report/report-data';
import { ReportArgumentError } from '../clients/report/report-period';
import { renderReport } from '../clients/report/render-report';

/**
 * `npm run report -- --asOf 2024-06-01`: the rollout as one self-contained HTML file (headline
 * figures, a 52-week chart, ICB and supplier tables), fetched from the gateway as an analyst.
 */
async function main(): Promise<number> {
  const now = new Date();
  const args = parseReportArgs(process.argv.slice(2), process.env, now);
  if (args.help) {
    console.error(USAGE);
    return 0;
  }
  const token = await resolveToken(args.token, { role: 'analyst' });
  const data = await fetchReportData(args.gateway, token, args.period);
  const html = renderReport({
    asOf: args.period.asOf.toISOString(),
    generatedAt: new Date().toISOString(),
    ...data,
    source: sourceOf(args.gateway),
  });
  const out = resolve(args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  console.log(out);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ReportArgumentError) console.error(`${error.message}\n\n${USAGE}`);
    else if (error instanceof GatewayError) console.error(error.message);
    else console.error(`Report failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
