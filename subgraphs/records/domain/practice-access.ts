import { instantOf, isValidInstant } from './instant';

/** A practice's automatic-access status, as owned by the rollout subgraph. */
export const ACCESS_STATUSES = ['NOT_SCHEDULED', 'SCHEDULED', 'ENABLED', 'PAUSED'] as const;
export type AccessStatus = (typeof ACCESS_STATUSES)[number];

/** A span during which automatic access was on: `from` inclusive, `to` exclusive, null = still on. */
export interface AccessPeriod {
  from: Date;
  to: Date | null;
}

/** What the records rules need of a practice: its status now and its access periods, oldest first. */
export interface PracticeAccess {
  status: AccessStatus;
  periods: AccessPeriod[];
}

// Exactly what the DateTime scalar serialises: UTC, milliseconds, `Z`.
const UTC_INSTANT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/;

/** A Date from a DateTime string or a valid Date (copied); null for anything else. */
function parseInstant(value: unknown): Date | null {
  if (value instanceof Date) return isValidInstant(value) ? new Date(value.getTime()) : null;
  if (typeof value !== 'string' || !UTC_INSTANT.test(value)) return null;
  const date = new Date(value);
  // The round trip rejects impossible days and times that Date would roll over (2023-02-30).
  return isValidInstant(date) && date.toISOString() === value ? date : null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parsePeriod(raw: unknown): AccessPeriod | null {
  if (!isRecord(raw) || !('from' in raw) || !('to' in raw)) return null;
  const from = parseInstant(raw.from);
  const to = raw.to === null ? null : parseInstant(raw.to);
  return from === null || (raw.to !== null && to === null) ? null : { from, to };
}

/**
 * Reads the `registeredPractice` representation the rollout subgraph sends through federation
 * ({ accessStatus, accessPeriods: [{ from, to }] }). Anything unknown, missing or malformed,
 * or any history the rollout rules could not have produced, is null: the caller shows nothing.
 * `toleranceMs`: see isWellFormedAccess.
 */
export function parsePracticeAccess(raw: unknown, now: Date, toleranceMs = 0): PracticeAccess | null {
  if (!isRecord(raw) || !Array.isArray(raw.accessPeriods)) return null;
  const status = raw.accessStatus;
  if (typeof status !== 'string' || !(ACCESS_STATUSES as readonly string[]).includes(status)) return null;
  const periods = raw.accessPeriods.map(parsePeriod);
  if (periods.some((period) => period === null)) return null;
  const access = { status: status as AccessStatus, periods: periods as AccessPeriod[] };
  return isWellFormedAccess(access, now, toleranceMs) ? access : null;
}

/**
 * True when the access is one the rollout rules can produce as of `now`: a known status; valid
 * instants, none after now; each period non-empty (to > from), in order and not overlapping;
 * only the last may be open, and it is open exactly when the status is ENABLED; a practice
 * never scheduled has no periods. The visibility rules check this again, so an access built
 * by hand rather than parsed fails closed too.
 * Rollout's clock may run up to `toleranceMs` ahead of ours, so an instant up to that far after
 * our now is accepted: refusing it would fail a whole practice just after each switch-on, pause
 * or resume, and it shows nothing more (every entry within the tolerance of a boundary is hidden).
 */
export function isWellFormedAccess(access: PracticeAccess, now: Date, toleranceMs = 0): boolean {
  if (!Number.isSafeInteger(toleranceMs) || toleranceMs < 0) return false;
  const limit = instantOf(now) + toleranceMs;
  if (Number.isNaN(limit) || !(ACCESS_STATUSES as readonly unknown[]).includes(access.status)) return false;
  if (!Array.isArray(access.periods)) return false;
  const { periods } = access;
  const last = periods[periods.length - 1];
  const lastIsOpen = last !== undefined && last.to === null;
  if (lastIsOpen !== (access.status === 'ENABLED')) return false;
  if (access.status === 'NOT_SCHEDULED' && periods.length > 0) return false;
  return periods.every((period, i) => {
    const from = instantOf(period.from);
    const to = period.to === null ? null : instantOf(period.to);
    const next = periods[i + 1];
    const ordered = next === undefined || (to !== null && to <= instantOf(next.from));
    return from <= limit && (to === null || (from < to && to <= limit)) && ordered;
  });
}
