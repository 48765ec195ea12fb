import { trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SafeSpanExporter } from './safe-spans';
import { SERVICE_ATTRIBUTE, serviceOnPort } from './span-services';
import type { TraceConfig } from './trace-config';

/** The process's name when a span belongs to no service (none of ours handled it). */
const PROCESS_SERVICE = 'citizen-access';
/** Requests nobody needs traced: probes every second, and the metrics scrape. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
/** The routes a service serves; anything else is reported as `other`, never as the client's path. */
const ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);

const pathOf = (url: string | undefined) => (url ?? '/').split('?', 1)[0] ?? '/';

/** Each span belongs to its parent's service, unless its request arrived on a service's port (span-services.ts). */
const serviceInheritance: SpanProcessor = {
  onStart(span: Span, parentContext: Context) {
    if (span.attributes[SERVICE_ATTRIBUTE] !== undefined) return;
    const parent = trace.getSpan(parentContext) as Partial<ReadableSpan> | undefined;
    const service = parent?.attributes?.[SERVICE_ATTRIBUTE];
    if (typeof service === 'string') span.setAttribute(SERVICE_ATTRIBUTE, service);
  },
  onEnd() {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

export interface Tracing {
  /** Sends what is buffered (on a graceful stop) and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry SDK: Node's tracer provider, W3C trace context, HTTP (the gateway's calls
 * to the subgraphs and every service's requests), undici (rollout's directory client uses
 * `fetch`) and PostgreSQL instrumentations, and an OTLP/HTTP exporter behind the allow-list
 * (safe-spans.ts). Loaded by register.ts only when configured, before `http` or `pg` is.
 */
export function startTracing(config: TraceConfig): Tracing {
  const resources = new Map<string, Resource>();
  const resourceFor = (service: string | undefined): Resource => {
    const name = config.serviceName ?? service ?? PROCESS_SERVICE;
    let resource = resources.get(name);
    if (!resource) {
      resource = resourceFromAttributes({ 'service.name': name, 'service.namespace': 'citizen-access' });
      resources.set(name, resource);
    }
    return resource;
  };
  // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS; the batch processor OTEL_BSP_*.
  const exporter = new SafeSpanExporter(new OTLPTraceExporter(), resourceFor);
  const provider = new NodeTracerProvider({
    resource: resourceFor(undefined),
    spanProcessors: [serviceInheritance, new BatchSpanProcessor(exporter)],
  });
  // Trace context only: no baggage, which would carry values from one service to the next.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has(pathOf(request.url)),
        // A call made outside any request (the gateway's readiness probes) starts no trace of its own.
        requireParentforOutgoingSpans: true,
        startIncomingSpanHook: (request) => {
          const service = serviceOnPort(request.socket.localPort);
          const path = pathOf(request.url);
          return {
            'http.route': ROUTES.has(path) ? path : 'other',
            ...(service ? { [SERVICE_ATTRIBUTE]: service } : {}),
          };
        },
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    ],
  });
  return { shutdown: () => provider.shutdown() };
}
