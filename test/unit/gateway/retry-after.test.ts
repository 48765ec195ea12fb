import type { GraphQLFormattedError } from 'graphql';
import { answerWait, unavailableWaitSeconds } from '../../../gateway/retry-after';

const error = (code: string, extensions: Record<string, unknown> = {}): GraphQLFormattedError => ({
  message: 'x',
  extensions: { code, ...extensions },
});
const rateLimited = (seconds: number) => error('RATE_LIMITED', { retryAfterSeconds: seconds });
const unavailable = error('SERVICE_UNAVAILABLE');

describe("an answer's Retry-After", () => {
  it('none for an answer without a wait in it (no errors, or only faults and refusals)', () => {
    expect(answerWait([])).toEqual({ seconds: 0, rateLimited: false });
    expect(answerWait([error('FORBIDDEN'), error('INTERNAL_SERVER_ERROR')], 60_000)).toEqual({ seconds: 0, rateLimited: false });
  });

  it('SERVICE_UNAVAILABLE: a second, not a 429, however many such errors', () => {
    expect(answerWait([unavailable, unavailable, error('FORBIDDEN')])).toEqual({ seconds: 1, rateLimited: false });
  });

  it('SERVICE_UNAVAILABLE after an open circuit: what is left of it, rounded up to whole seconds', () => {
    expect(answerWait([unavailable], 60_000)).toEqual({ seconds: 60, rateLimited: false });
    expect(answerWait([unavailable], 44_500)).toEqual({ seconds: 45, rateLimited: false });
    expect(answerWait([unavailable], 1)).toEqual({ seconds: 1, rateLimited: false });
    expect(unavailableWaitSeconds(0)).toBe(1);
    expect(unavailableWaitSeconds()).toBe(1);
  });

  it('RATE_LIMITED: a 429 with the longest of its waits', () => {
    expect(answerWait([rateLimited(3), rateLimited(7)])).toEqual({ seconds: 7, rateLimited: true });
  });

  it('both: still a 429, and the longest wait of either wins', () => {
    expect(answerWait([rateLimited(3), unavailable])).toEqual({ seconds: 3, rateLimited: true });
    expect(answerWait([rateLimited(3), unavailable], 10_000)).toEqual({ seconds: 10, rateLimited: true });
  });

  it('a RATE_LIMITED error without a number of seconds is no wait (the masking keeps only whole seconds)', () => {
    expect(answerWait([error('RATE_LIMITED'), error('RATE_LIMITED', { retryAfterSeconds: '5' })])).toEqual({
      seconds: 0,
      rateLimited: false,
    });
  });
});
