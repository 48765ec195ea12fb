import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultGatewayUrl, GatewayError, resolveToken } from '../clients/gateway-client';
import { parseScheduleFile } from '../clients/schedule-import/schedule-file';
import { applySchedule, formatScheduleReport } from '../clients/schedule-import/schedule-import';

const USAGE = `Usage: npm run import:schedule -- FILE [--token T | --supplier EMIS] [--gateway URL] [--override-minimum-notice]
  FILE: CSV lines of "ODS code, planned switch-on" (2027-03-01 = midnight in England, or 2027-03-01T07:00:00Z);
        an optional header line. Applied as one wave through the gateway, as the token's supplier (or nhse).
  --token T         the bearer token to act with (or set ACCESS_TOKEN)
  --supplier S      on a locally started system, act as supplier S with a development token
  --override-minimum-notice   nhse only: plan with less than the minimum notice
Exit code: 0 applied, 2 nothing applied (rejected lines or a refused wave), 1 could not run.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      token: { type: 'string' },
      supplier: { type: 'string' },
      gateway: { type: 'string' },
      'override-minimum-notice': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 1;
  }
  let text: string;
  try {
    text = readFileSync(positionals[0]!, 'utf8');
  } catch {
    console.error(`Cannot read ${positionals[0]}`);
    return 1;
  }
  const file = parseScheduleFile(text);
  console.error(`Read ${file.plans.length + file.rejected.length} line(s) from ${positionals[0]}`);
  const token = await resolveToken(values.token, values.supplier ? { role: 'supplier', supplier: values.supplier } : null);
  const report = await applySchedule(
    values.gateway ?? defaultGatewayUrl(),
    token,
    file,
    values['override-minimum-notice'] ?? false,
  );
  console.log(formatScheduleReport(report));
  return report.applied ? 0 : 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(
      error instanceof GatewayError ? error.message : `Import failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
  },
);
