import { ConfigError } from '../../../platform/config';
import { loadTraceConfig } from '../../../platform/tracing/trace-config';

describe('trace configuration', () => {
  it('is off unless an OTLP endpoint is given (an empty one counts as unset)', () => {
    expect(loadTraceConfig({})).toBeUndefined();
    expect(loadTraceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_SERVICE_NAME: 'records' })).toBeUndefined();
  });

  it('is on with either endpoint, named by OTEL_SERVICE_NAME when given', () => {
    expect(loadTraceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({});
    expect(
      loadTraceConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/v1/traces', OTEL_SERVICE_NAME: 'records-eu' }),
    ).toEqual({ serviceName: 'records-eu' });
  });

  it('stays off when the SDK or the traces exporter is switched off', () => {
    expect(loadTraceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(loadTraceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });

  it('refuses, naming the variable, an endpoint that is not http(s) or a protocol other than http/json', () => {
    expect(() => loadTraceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => loadTraceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      ConfigError,
    );
    expect(() => loadTraceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SERVICE_NAME: 'a b' })).toThrow(
      /OTEL_SERVICE_NAME/,
    );
  });
});
