import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import { BulkheadFull } from '../platform/bulkhead';
import { DomainError, ErrorCode, unauthenticated } from '../platform/errors';
import {
  BodyTooLargeError,
  errorBody,
  headerMapOf,
  headerValue,
  readBody,
  sendGraphQLResponse,
  sendJson,
} from '../platform/http';
import type { Logger } from '../platform/logger';
import { REQUEST_ID_ATTRIBUTE } from '../platform/tracing/safe-spans';
import { answerTooLargeBody } from './answer-size';
import type { Bulkheads } from './bulkheads';
import { corsDecision, ORIGIN_REFUSED_MESSAGE } from './cors';
import type { GatewayContext } from './gateway-context';
import type { VerifyToken } from './identity';
import { inRequest } from './request-id';
import { retryAfterHeaders } from './retry-after';
import type { TrustedOperationGate } from './trusted-operations';

/** A NUL character, raw or as a JSON or GraphQL \\u escape. */
// eslint-disable-next-line no-control-regex -- the NUL character is exactly what this looks for
const HOLDS_NUL = /\u0000|\\u0000/i;

/** The viewer's share of the gateway is full: try again in a second. */
const overloaded = () =>
  new DomainError(ErrorCode.Overloaded, 'Too many operations of this kind at once: try again shortly', {
    http: { status: 503, headers: retryAfterHeaders(1) },
  });

/** What Apollo is handed in place of an unauthenticated client's request, whose body is never read. */
const STAND_IN = { query: '{ __typename }' };

/**
 * Without a valid token nothing of the request is read or parsed: Apollo is handed a stand-in
 * operation with the client's headers, so its CSRF prevention still answers first (400), and
 * otherwise the context refuses as it always has (401 UNAUTHENTICATED, the same body). The
 * connection is closed after the answer, so an unread body is not drained.
 */
async function refuseUnauthenticated(apollo: ApolloServer<GatewayContext>, req: IncomingMessage, res: ServerResponse) {
  const method = req.method ?? 'GET';
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method,
      headers: headerMapOf(req),
      search: method === 'GET' ? `?query=${encodeURIComponent(STAND_IN.query)}` : '',
      body: method === 'POST' ? STAND_IN : undefined,
    },
    context: () => Promise.reject(unauthenticated()),
  });
  if (method !== 'GET') response.headers.set('connection', 'close');
  await sendGraphQLResponse(res, response);
}

/**
 * `/graphql` over HTTP: a request id given, the origin checked (cors.ts: an allowed origin's
 * preflight answered, an unknown origin refused), the token verified (none: UNAUTHENTICATED,
 * before the body is read), then the body read within its limit, NUL refused, JSON parsed, and Apollo runs the
 * operation with the verified viewer and a request id, once the viewer's share (bulkheads.ts)
 * admits it (an analyst's once its cost is known); an answer over its bound is refused whole.
 */
export function graphqlHandler(
  apollo: ApolloServer<GatewayContext>,
  verifyToken: VerifyToken,
  maxBodyBytes: number,
  limits: {
    maxResponseBytes: number;
    bulkheads: Bulkheads;
    logger: Logger;
    trustedOperations: TrustedOperationGate;
    corsAllowedOrigins?: readonly string[];
  },
) {
  const allowedOrigins = new Set(limits.corsAllowedOrigins ?? []);
  return async (req: IncomingMessage, res: ServerResponse, search: string): Promise<void> => {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    // On the request's server span when traces are on (no span, and no cost, when they are off).
    trace.getActiveSpan()?.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
    // Cross-origin rules first: an origin not on the list is refused before the token or body is read.
    const cors = corsDecision(req.method, headerValue(req, 'origin'), allowedOrigins);
    for (const [name, value] of Object.entries(cors.headers)) res.setHeader(name, value);
    if (cors.kind === 'preflight') return void res.writeHead(204).end();
    if (cors.kind === 'refused') {
      limits.logger.warn({ requestId, method: req.method }, 'refused: an origin not on the allow-list');
      return sendJson(res, 403, errorBody(ErrorCode.Forbidden, ORIGIN_REFUSED_MESSAGE, requestId), { connection: 'close' });
    }
    return inRequest(requestId, () => serve(req, res, search, requestId));
  };

  async function serve(req: IncomingMessage, res: ServerResponse, search: string, requestId: string): Promise<void> {
    const viewer = await verifyToken(req.headers.authorization);
    if (!viewer) return refuseUnauthenticated(apollo, req, res);
    let body: unknown;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          // Closed after the answer: the rest of an oversized body is not read, however long it is.
          return sendJson(res, 413, errorBody(ErrorCode.BadUserInput, 'Request body larger than 1 MB', requestId), {
            connection: 'close',
          });
        }
        throw error;
      }
      // No text we store may hold NUL (PostgreSQL cannot, and nothing legitimate needs it): refused
      // whole, whether sent raw, JSON-escaped or as a GraphQL string escape. (Found by the fuzzer.)
      if (HOLDS_NUL.test(text)) {
        return sendJson(
          res,
          400,
          errorBody(ErrorCode.BadUserInput, 'Text may not contain the NUL character (U+0000)', requestId),
        );
      }
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('application/json') || type.includes('+json')) {
        try {
          body = JSON.parse(text);
        } catch {
          return sendJson(res, 400, errorBody(ErrorCode.BadUserInput, 'Body is not valid JSON', requestId));
        }
      } else {
        body = text; // Apollo Server refuses it (CSRF prevention and content-type checks).
      }
    }
    if (/%00/.test(search) || HOLDS_NUL.test(search.replace(/%5c/gi, '\\'))) {
      return sendJson(res, 400, errorBody(ErrorCode.BadUserInput, 'Text may not contain the NUL character (U+0000)', requestId));
    }
    const role = viewer.role;
    // The slot this request holds, released exactly once when Apollo is done, whatever the path.
    // A slot that comes after that (another plugin refused the operation while it queued) is given back at once.
    let release: (() => void) | undefined;
    let done = false;
    const hold = async (admitting: Promise<() => void>, cost?: number): Promise<void> => {
      let slot: () => void;
      try {
        slot = await admitting;
      } catch (error) {
        if (!(error instanceof BulkheadFull)) throw error;
        limits.logger.warn({ requestId, role, cost }, 'refused: the share of the gateway is full');
        throw overloaded();
      }
      if (done || release) slot();
      else release = slot;
    };
    // Analysts are admitted once their operation's cost is known (operation-cost.ts); the rest here, by role.
    const byCost = limits.bulkheads.admitsByCost(role);
    let response;
    const httpGraphQLRequest = { method: req.method ?? 'GET', headers: headerMapOf(req), search, body };
    try {
      response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: async () => {
          if (byCost) {
            return { viewer, requestId, admitByCost: (cost: number) => hold(limits.bulkheads.admitByCost(cost), cost) };
          }
          await hold(limits.bulkheads.admit(role));
          // An app runs only its trusted operations, by id (trusted-operations.ts): refused here, or its body put in.
          if (viewer.role === 'app') await limits.trustedOperations(httpGraphQLRequest, viewer, requestId);
          return { viewer, requestId };
        },
      });
    } finally {
      done = true;
      release?.();
    }
    const answer = response.body;
    if (answer.kind === 'complete' && answer.string.length > limits.maxResponseBytes / 4) {
      if (Buffer.byteLength(answer.string) > limits.maxResponseBytes) {
        limits.logger.warn({ requestId, role, from: 'gateway' }, 'answer refused: larger than the limit');
        return sendJson(res, 400, answerTooLargeBody(requestId));
      }
    }
    await sendGraphQLResponse(res, response);
  }
}
