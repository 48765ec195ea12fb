import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../platform/clock';
import { ClockCheck, describeSkew, type ClockStatus, type Signer } from './clock-skew';
import { ErrorCode } from '../../platform/errors';
import { errorBody, headerValue } from '../../platform/http';
import type { Logger } from '../../platform/logger';
import {
  BODY_DIGEST_HEADER,
  bodyMatches,
  NONCE_HEADER,
  PROBE_PATH,
  PROBE_VIEWER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyHeaders,
} from '../../platform/request-signature';
import type { ReplayGuard } from './replay-guard';
import type { Viewer } from '../../platform/viewer';

export interface ClockGuard {
  /** Null: serve the authentic request; else the refusal (503) to send, because its clock is too far off. */
  admit(viewer: Viewer, skewMs: number): { status: 503; body: ReturnType<typeof errorBody> } | null;
  /** The clock's part of /readyz, measured first from the probe's signed timestamp when it carries one. */
  readiness(req: IncomingMessage): ClockStatus;
  /** The clock's state from the measurements so far, measuring nothing (for the metrics). */
  status(): ClockStatus;
}

/**
 * The clock check at a subgraph's HTTP edge (clock-skew.ts holds the rule). It fails closed:
 * beyond the limit, GraphQL requests are refused and /readyz says not ready, and why. Each change
 * of verdict is logged once, not each refused request. A call from another subgraph (a `service`
 * viewer, signed by that subgraph's clock) is judged but leaves this service's state alone: the
 * caller is the one measured, and it finds out against the gateway itself.
 */
export function clockGuard(options: {
  name: string;
  limitMs?: number;
  signingSecret: string;
  clock: Clock;
  logger: Logger;
  /** A probe is measured once: a replayed capture changes nothing. */
  replays: ReplayGuard;
}): ClockGuard {
  const { name, signingSecret, clock, logger } = options;
  const check = new ClockCheck(options.limitMs);

  const measure = (skewMs: number, signer: Signer, who: string) => {
    const verdict = check.admit(skewMs, signer, who);
    if (verdict.changed) {
      const [against, refusing] =
        signer === 'gateway'
          ? ["the gateway's", 'refusing requests, not ready']
          : [`its caller's (${who})`, 'refusing its calls'];
      const fields = { skewMs, limitMs: verdict.allowedMs, against: who };
      if (!verdict.ok)
        logger.error(fields, `${describeSkew(skewMs, verdict.allowedMs, against)}: ${refusing} until the clocks agree`);
      else logger.warn(fields, `clock back within the ${verdict.allowedMs} ms limit of ${against}: serving again`);
    }
    return verdict;
  };

  return {
    admit(viewer, skewMs) {
      const signer: Signer = viewer.role === 'service' ? 'subgraph' : 'gateway';
      const verdict = measure(skewMs, signer, signer === 'gateway' ? 'gateway' : viewer.subject);
      if (verdict.ok) return null;
      const against = signer === 'gateway' ? "the gateway's" : "its caller's";
      const message = `The ${name} service's clock disagrees with ${against} by more than ${verdict.allowedMs} ms: it refuses requests until they agree`;
      return { status: 503, body: errorBody(ErrorCode.Internal, message) };
    },
    readiness(req) {
      const now = clock.now();
      const verification = verifyHeaders(
        signingSecret,
        { audience: name, path: PROBE_PATH },
        {
          timestamp: headerValue(req, TIMESTAMP_HEADER),
          nonce: headerValue(req, NONCE_HEADER),
          viewer: PROBE_VIEWER,
          digest: headerValue(req, BODY_DIGEST_HEADER),
          signature: headerValue(req, SIGNATURE_HEADER),
        },
        now,
      );
      if (
        verification.ok &&
        bodyMatches(verification.digest, '') &&
        options.replays.firstUse(verification.signature, now.getTime() - verification.skewMs, now.getTime())
      )
        measure(verification.skewMs, 'gateway', 'gateway');
      return check.status();
    },
    status: () => check.status(),
  };
}
