import { ConfigError } from '../common/config-error';
import { startTracing } from './start-tracing';

describe('startTracing', () => {
  afterEach(() => {
    delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL;
  });

  it('refuses an OTLP protocol other than http/protobuf before starting anything', () => {
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
    expect(() => startTracing()).toThrow(ConfigError);
    expect(() => startTracing()).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL="grpc"/);
  });

  it('lets the traces-specific variable decide over the general one', () => {
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
    process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = 'http/json';
    expect(() => startTracing()).toThrow(/OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="http\/json"/);
  });
});
