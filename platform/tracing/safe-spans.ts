import { SpanKind, type Attributes, type AttributeValue } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { SERVICE_ATTRIBUTE } from './span-services';

/** The gateway's x-request-id (a random UUID it makes): a log line or a client's error report finds its trace. */
export const REQUEST_ID_ATTRIBUTE = 'citizen_access.request_id';

/**
 * What leaves the process in a span: an allow-list, so an attribute an instrumentation adds in a
 * later release (a URL with its query, a header, a client address) is dropped until someone has
 * judged it. Nothing personal is on it: no document, variables, URL path or query (GET /graphql
 * carries the document in the query), no header, no client address, no error message.
 */
const EVERY_SPAN = new Set([
  'http.method',
  'http.request.method',
  'http.status_code',
  'http.response.status_code',
  'http.route',
  'http.scheme',
  'url.scheme',
  'http.flavor',
  'network.protocol.version',
  'error.type',
  'graphql.operation.type',
  'db.system',
  'db.system.name',
  'db.name',
  'db.namespace',
  'db.operation',
  'db.operation.name',
  REQUEST_ID_ATTRIBUTE,
]);
/** Where a client span went (a subgraph, the database). On a server span the same keys come from the client's Host header. */
const CLIENT_SPAN = new Set(['server.address', 'server.port', 'net.peer.name', 'net.peer.port']);
/** The statement, with every literal replaced (safeStatement). */
const STATEMENT = new Set(['db.statement', 'db.query.text']);
/** An exception event says what failed, never its message or stack (which can quote input). */
const EVENT_ATTRIBUTES = new Set(['exception.type']);

/**
 * SQL with every literal replaced by `?`: our statements carry values as `$n` parameters, and
 * this keeps it so should one ever be written inline (an NHS number, a text).
 */
export function safeStatement(sql: string): string {
  return sql
    .replace(/\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g, '?')
    .replace(/(?:\b[EeXxBbUu])?'(?:[^']|'')*'/g, '?')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/--[^\n]*/g, '')
    .replace(/(?<![\w$.])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b/g, '?');
}

function safeAttributes(attributes: Attributes, kind: SpanKind): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (EVERY_SPAN.has(key) || (kind === SpanKind.CLIENT && CLIENT_SPAN.has(key))) kept[key] = value;
    else if (STATEMENT.has(key) && typeof value === 'string') kept[key] = safeStatement(value);
  }
  return kept;
}

const safeEvent = (event: TimedEvent): TimedEvent => {
  const attributes: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(event.attributes ?? {})) {
    if (EVENT_ATTRIBUTES.has(key) && value !== undefined) attributes[key] = value;
  }
  return { name: event.name, time: event.time, attributes };
};

/** The span as it may leave: allowed attributes only, no status message, no links, its service's resource. */
export function safeSpan(span: ReadableSpan, resource: Resource): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext ? { parentSpanContext: span.parentSpanContext } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes: safeAttributes(span.attributes, span.kind),
    links: [],
    events: span.events.map(safeEvent),
    duration: span.duration,
    ended: span.ended,
    resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: 0,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: 0,
  };
}

/**
 * Wraps the OTLP exporter: every span is made safe, and given the resource of the service that
 * handled it (span-services.ts), so one process serving several services still exports each
 * under its own `service.name`.
 */
export class SafeSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly resourceFor: (service: string | undefined) => Resource,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const service = (span: ReadableSpan) => {
      const value = span.attributes[SERVICE_ATTRIBUTE];
      return typeof value === 'string' ? value : undefined;
    };
    this.inner.export(
      spans.map((span) => safeSpan(span, this.resourceFor(service(span)))),
      done,
    );
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
