import { z } from 'zod';
import { callGateway, GatewayError } from '../gateway-client';
import type { ReportPeriod } from './report-period';
import type { RolloutCounts, RolloutTimelinePoint } from './rollout-states';

/**
 * The report's figures, fetched from the gateway in one request: the national weekly timeline
 * and the ICB and supplier summaries at asOf, under aliases. GraphQL errors throw a
 * GatewayError naming each error's code and message.
 */
export const REPORT_QUERY = `query RolloutReport($from: DateTime!, $asOf: DateTime!) {
  timeline: rolloutTimeline(from: $from, to: $asOf, interval: WEEK, groupBy: NATIONAL) { at counts { ...ReportCounts } }
  byIcb: rolloutSummary(groupBy: ICB, asOf: $asOf) { ...ReportCounts }
  bySupplier: rolloutSummary(groupBy: SUPPLIER, asOf: $asOf) { ...ReportCounts }
}
fragment ReportCounts on RolloutCounts { key label total notScheduled scheduled enabled paused }`;

export interface ReportData {
  timeline: RolloutTimelinePoint[];
  byIcb: RolloutCounts[];
  bySupplier: RolloutCounts[];
}

// Checked before rendering: every number drawn really is a count, every label a string to escape.
const count = z.number().int().min(0);
const countsSchema = z.object({
  key: z.string(),
  label: z.string(),
  total: count,
  notScheduled: count,
  scheduled: count,
  enabled: count,
  paused: count,
});
const dataSchema = z.object({
  timeline: z.array(z.object({ at: z.iso.datetime(), counts: z.array(countsSchema) })),
  byIcb: z.array(countsSchema),
  bySupplier: z.array(countsSchema),
});

export async function fetchReportData(gatewayUrl: string, token: string, period: ReportPeriod): Promise<ReportData> {
  const data = await callGateway<unknown>(gatewayUrl, token, REPORT_QUERY, {
    from: period.from.toISOString(),
    asOf: period.asOf.toISOString(),
  });
  return parseReportData(data);
}

/** The answer checked field by field; anything else is refused, naming where it went wrong. */
export function parseReportData(data: unknown): ReportData {
  const parsed = dataSchema.safeParse(data);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new GatewayError(`The gateway's answer is not the rollout figures the report expects (at ${where || 'the top'})`);
  }
  return parsed.data;
}
