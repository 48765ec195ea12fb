import { callGateway, GatewayError } from '../gateway-client';
import type { RejectedLine, ScheduleFile } from './schedule-file';

export interface ScheduleReport {
  applied: boolean;
  scheduled: { line: number; odsCode: string }[];
  skipped: { line: number; odsCode: string; kind: string; reason: string }[];
  rejected: RejectedLine[];
  /** Why the gateway refused the whole wave, when it did. */
  refused: string | null;
}

const MUTATION = `mutation ImportSchedule($plans: [PlannedSwitchOnInput!]!, $override: Boolean!) {
  scheduleSwitchOns(plans: $plans, overrideMinimumNotice: $override) {
    scheduled { odsCode }
    skipped { odsCode kind reason }
  }
}`;

/**
 * Applies a checked schedule file as one wave through the gateway, as the supplier (or nhse)
 * whose token it carries: the same rules, notice and history as any other wave. A file with a
 * rejected line is not sent at all; a wave the gateway refuses changes nothing.
 */
export async function applySchedule(url: string, token: string, file: ScheduleFile, override = false): Promise<ScheduleReport> {
  const report: ScheduleReport = { applied: false, scheduled: [], skipped: [], rejected: file.rejected, refused: null };
  if (file.rejected.length > 0 || file.plans.length === 0) return report;
  const lineOf = new Map(file.plans.map((plan) => [plan.odsCode, plan.line]));
  try {
    const data = await callGateway<{
      scheduleSwitchOns: { scheduled: { odsCode: string }[]; skipped: { odsCode: string; kind: string; reason: string }[] };
    }>(url, token, MUTATION, { plans: file.plans.map(({ odsCode, at }) => ({ odsCode, at: at.toISOString() })), override });
    report.applied = true;
    report.scheduled = data.scheduleSwitchOns.scheduled.map(({ odsCode }) => ({ line: lineOf.get(odsCode) ?? 0, odsCode }));
    report.skipped = data.scheduleSwitchOns.skipped.map((skip) => ({ ...skip, line: lineOf.get(skip.odsCode) ?? 0 }));
  } catch (error) {
    if (!(error instanceof GatewayError) || !error.codes.includes('BAD_USER_INPUT')) throw error;
    // Name the line the refusal is about, when the message names a practice.
    const code = /^([A-Z]\d{5}): /.exec(error.message.replace(/^BAD_USER_INPUT: /, ''))?.[1];
    report.refused = code ? `line ${lineOf.get(code)} (${code}): ${error.message}` : error.message;
  }
  return report;
}

/** The report a person reads: a summary line, then every rejected or skipped line with its reason. */
export function formatScheduleReport(report: ScheduleReport): string {
  const lines: string[] = [];
  if (report.rejected.length > 0) {
    lines.push(`Nothing applied: ${report.rejected.length} line(s) rejected. Fix them and run again.`);
    for (const r of report.rejected) lines.push(`  line ${r.line}${r.odsCode ? ` (${r.odsCode})` : ''}: ${r.reason}`);
    return lines.join('\n');
  }
  if (report.refused !== null) return `Nothing applied: the wave was refused.\n  ${report.refused}`;
  if (!report.applied) return 'Nothing applied: the file holds no planned switch-on.';
  lines.push(`Scheduled ${report.scheduled.length}, skipped ${report.skipped.length}, rejected 0.`);
  for (const s of report.skipped) lines.push(`  line ${s.line} (${s.odsCode}): skipped, ${s.kind}: ${s.reason}`);
  return lines.join('\n');
}
