import type { ApiError } from '../../kit/api-errors';

/**
 * What the pages say, in plain words: pure functions of the API's answers, so the wording is
 * tested without a browser. The patient is spoken to ("you"); the clinician reads about "the patient".
 */
export type Reader = 'patient' | 'clinician';

export interface AccessFacts {
  state: string;
  visibleFrom: string | null;
  visiblePeriods: readonly { from: string; to: string | null }[];
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const instantFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

/** 5 June 2025 (UK time). */
export const day = (instant: string) => dateFormat.format(new Date(instant));
/** 5 June 2025 at 09:30 (UK time): where the hour matters, at the edges of what is shown. */
export const moment = (instant: string) => instantFormat.format(new Date(instant)).replace(', ', ' at ');

const KINDS: Record<string, string> = {
  APPOINTMENT: 'Appointment',
  TEST_RESULT: 'Test result',
  CLINICAL_LETTER: 'Letter',
  CONSULTATION_NOTE: 'Consultation notes',
  DIAGNOSIS: 'Diagnosis or problem',
  MEDICATION: 'Medicine',
};
export const entryKind = (type: string) => KINDS[type] ?? 'Other entry';

/** The state in a sentence, then each stretch of time whose entries are not shown (the gaps). */
export function describeAccess(access: AccessFacts, reader: Reader): { summary: string; gaps: string[] } {
  const you = reader === 'patient';
  const periods = access.visiblePeriods;
  const gaps = (): string[] => {
    if (!periods.length) return [];
    const lines = [`Entries added before ${moment(periods[0]!.from)} are not shown online.`];
    for (let i = 0; i + 1 < periods.length; i += 1) {
      lines.push(`Entries added from ${moment(periods[i]!.to!)} until ${moment(periods[i + 1]!.from)} are not shown online.`);
    }
    const last = periods[periods.length - 1]!;
    if (last.to) lines.push(`Entries added after ${moment(last.to)} are not shown online.`);
    return lines;
  };
  switch (access.state) {
    case 'VISIBLE':
      return {
        summary: you
          ? `You can see new entries added to your GP record from ${day(access.visibleFrom ?? periods[0]?.from ?? '')}. Test results and letters appear once your GP practice has checked them.`
          : `The patient sees entries that became available from ${day(access.visibleFrom ?? periods[0]?.from ?? '')}, once filed where filing is needed.`,
        gaps: gaps(),
      };
    case 'UNDER_16':
      return {
        summary: you
          ? `Entries are shown online from your 16th birthday${access.visibleFrom ? `, from ${day(access.visibleFrom)}` : ''}.`
          : `The patient is under 16: entries are shown from their 16th birthday${access.visibleFrom ? `, from ${day(access.visibleFrom)}` : ''}.`,
        gaps: [],
      };
    case 'NOT_YET_SWITCHED_ON':
      return {
        summary: you
          ? 'Your GP practice has not started showing new entries in your record online yet. When it does, entries added from then on will appear here.'
          : 'The practice has not switched automatic access on yet: the patient sees no entries.',
        gaps: [],
      };
    case 'PRACTICE_PAUSED':
      return {
        summary: you
          ? 'Your GP practice has paused showing your record online, so no entries are shown for now. Entries added while it is paused will not appear, even after it starts again.'
          : 'The practice has paused automatic access: the patient sees no entries, and entries added meanwhile stay hidden after it resumes.',
        gaps: [],
      };
    case 'PATIENT_EXCLUDED':
      return {
        summary: you
          ? 'Your record entries are not shown online at the moment. Contact your GP practice if you would like to know more.'
          : 'The patient is excluded from online access (by a clinician, or their own choice): they see no entries.',
        gaps: [],
      };
    default:
      // Anything we do not know shows nothing, and says so.
      return {
        summary: you ? 'Your record cannot be shown online right now.' : 'What the patient sees cannot be established.',
        gaps: [],
      };
  }
}

/** " in 3 seconds", " in 1 second", or " shortly" when the answer gave no wait. */
const inSeconds = (seconds: number | null): string => (seconds ? ` in ${seconds} second${seconds === 1 ? '' : 's'}` : ' shortly');

/** What the page says when a request fails, with the reference to quote when asking for help. */
export function problemText(error: ApiError, reader: Reader): string {
  const what = (() => {
    switch (error.code) {
      case 'UNAUTHENTICATED':
        return 'Your sign-in is not valid or has expired. Sign in again.';
      case 'FORBIDDEN':
        return reader === 'patient'
          ? 'This sign-in does not let you see this record. You need to have proved who you are in NHS login (P9).'
          : 'This sign-in does not let you see this patient: only clinicians at the practice they are registered with can.';
      case 'BAD_USER_INPUT':
        return `Please check what you entered: ${error.message}.`;
      case 'RATE_LIMITED':
      case 'OVERLOADED':
      case 'SERVICE_UNAVAILABLE':
        return `The service is busy. Try again${inSeconds(error.retryAfterSeconds)}.`;
      case 'NETWORK_ERROR':
        return 'The service could not be reached. Check your connection and try again.';
      default:
        return 'Something went wrong on our side. Try again later.';
    }
  })();
  return error.requestId ? `${what} (Reference: ${error.requestId})` : what;
}

/** "Showing 5 of 12 entries", or all of them, or none. */
export function countText(shown: number, total: number): string {
  if (total === 0) return 'There are no entries to show.';
  if (shown >= total) return `Showing all ${total} ${total === 1 ? 'entry' : 'entries'}.`;
  return `Showing ${shown} of ${total} entries.`;
}
