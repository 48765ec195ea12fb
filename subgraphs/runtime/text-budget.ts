import { DomainError, ErrorCode } from '../../platform/errors';

/** What one request may return of stored text: the gateway's bound on one subgraph answer. */
export const TEXT_BUDGET_BYTES = 16 * 1024 * 1024;

/**
 * The bytes of stored text (entries' titles and bodies) one request may return, spent as each
 * is resolved: past it the request fails with RESPONSE_TOO_LARGE, which the gateway turns into
 * a refusal of the whole answer, so no request builds an answer of unbounded size.
 */
export class TextBudget {
  private remaining: number;

  constructor(bytes: number = TEXT_BUDGET_BYTES) {
    this.remaining = bytes;
  }

  spend(text: string): string {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: short texts are counted without encoding.
    this.remaining -= text.length * 3 <= 4096 ? text.length * 3 : Buffer.byteLength(text);
    if (this.remaining < 0) {
      throw new DomainError(ErrorCode.ResponseTooLarge, 'The answer is larger than the limit: ask for fewer items or fields');
    }
    return text;
  }
}
