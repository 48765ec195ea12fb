/**
 * The period a report covers. `--asOf 2024-06-01` means the end of that day (the next day's
 * 00:00 UTC), or now while that day is still going (the gateway refuses the future); no
 * `--asOf` means now. The timeline runs 52 weeks back from there: 53 weekly points.
 */
export interface ReportPeriod {
  /** The day reported on (YYYY-MM-DD): names the file. */
  day: string;
  asOf: Date;
  from: Date;
}

export class ReportArgumentError extends Error {}

const DAY_MS = 86_400_000;
export const TIMELINE_WEEKS = 52;

export function reportPeriod(asOfDay: string | undefined, now: Date): ReportPeriod {
  const period = (day: string, asOf: Date) => ({ day, asOf, from: new Date(asOf.getTime() - TIMELINE_WEEKS * 7 * DAY_MS) });
  if (asOfDay === undefined) return period(now.toISOString().slice(0, 10), now);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOfDay);
  const start = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || new Date(start).toISOString().slice(0, 10) !== asOfDay) {
    throw new ReportArgumentError(`--asOf must be a day written YYYY-MM-DD, such as 2024-06-01 (got "${asOfDay}")`);
  }
  if (start > now.getTime()) {
    throw new ReportArgumentError(`--asOf ${asOfDay} is in the future: the rollout can only be reported up to now`);
  }
  return period(asOfDay, new Date(Math.min(start + DAY_MS, now.getTime())));
}
