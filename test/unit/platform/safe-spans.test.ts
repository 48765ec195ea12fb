import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { safeSpan, safeStatement } from '../../../platform/tracing/safe-spans';
import { SERVICE_ATTRIBUTE } from '../../../platform/tracing/span-services';

const resource = resourceFromAttributes({ 'service.name': 'records' });

function spanWith(kind: SpanKind, attributes: ReadableSpan['attributes'], extra: Partial<ReadableSpan> = {}): ReadableSpan {
  return {
    name: 'GET',
    kind,
    spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }),
    startTime: [1, 0],
    endTime: [2, 0],
    status: { code: SpanStatusCode.ERROR, message: 'Variable "$nhsNumber" got invalid value "9990001375"' },
    attributes,
    links: [{ context: { traceId: '00000000000000000000009990001375', spanId: '0000000000000001', traceFlags: 1 } }],
    events: [
      {
        name: 'exception',
        time: [1, 5],
        attributes: { 'exception.type': 'GraphQLError', 'exception.message': 'nhs 9990001375', 'exception.stacktrace': 'at ...' },
      },
    ],
    duration: [1, 0],
    ended: true,
    resource,
    instrumentationScope: { name: 'test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...extra,
  };
}

describe('what a span may carry out of the process', () => {
  it('keeps a statement but replaces every literal in it, never a $n parameter or an identifier', () => {
    expect(
      safeStatement(
        `SELECT "t0"."id" FROM "record_entry" "t0" WHERE "t0"."nhs_number" = '9990001375' AND "t0"."seq" > 42 AND x = $1 LIMIT 20`,
      ),
    ).toBe(`SELECT "t0"."id" FROM "record_entry" "t0" WHERE "t0"."nhs_number" = ? AND "t0"."seq" > ? AND x = $1 LIMIT ?`);
    expect(safeStatement(`INSERT INTO t (a, b) VALUES (E'it''s Blood pressure', $$asthma$$) -- 9990001375`)).toBe(
      'INSERT INTO t (a, b) VALUES (?, ?) ',
    );
  });

  it("keeps a server span's method, status and route; drops its URL, query, headers, client address and Host", () => {
    const safe = safeSpan(
      spanWith(SpanKind.SERVER, {
        'http.method': 'GET',
        'http.status_code': 200,
        'http.route': '/graphql',
        'http.target': '/graphql?query=%7B%20me%20%7D&variables=%7B%22nhsNumber%22%3A%229990001375%22%7D',
        'http.url': 'http://gateway/graphql?query=x',
        'url.query': 'variables=9990001375',
        'url.path': '/patients/9990001375',
        'http.user_agent': 'app',
        'net.peer.ip': '203.0.113.9',
        'server.address': '9990001375.example',
        'http.request.header.authorization': ['Bearer eyJ...'],
        'graphql.operation.name': 'Patient9990001375',
        'graphql.operation.type': 'query',
        [SERVICE_ATTRIBUTE]: 'gateway',
      }),
      resource,
    );
    expect(safe.attributes).toEqual({
      'http.method': 'GET',
      'http.status_code': 200,
      'http.route': '/graphql',
      'graphql.operation.type': 'query',
    });
    expect(safe.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(safe.links).toEqual([]);
    expect(safe.events).toEqual([{ name: 'exception', time: [1, 5], attributes: { 'exception.type': 'GraphQLError' } }]);
    expect(safe.resource).toBe(resource);
    expect(JSON.stringify({ ...safe, spanContext: safe.spanContext() })).not.toContain('9990001375');
  });

  it("keeps where a client span went, and the database's statement without its values", () => {
    const safe = safeSpan(
      spanWith(SpanKind.CLIENT, {
        'db.system': 'postgresql',
        'db.name': 'records',
        'db.statement': `SELECT 1 FROM p WHERE n = '9990001375'`,
        'db.user': 'records_service',
        'db.postgresql.values': ['9990001375'],
        'net.peer.name': 'db',
        'net.peer.port': 5432,
      }),
      resource,
    );
    expect(safe.attributes).toEqual({
      'db.system': 'postgresql',
      'db.name': 'records',
      'db.statement': 'SELECT ? FROM p WHERE n = ?',
      'net.peer.name': 'db',
      'net.peer.port': 5432,
    });
  });
});
