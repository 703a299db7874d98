import { createServer, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
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

  it('does not wait for a collector that never answers to shut down', async () => {
    const pending: ServerResponse[] = [];
    const collector = createServer((req, res) => {
      req.resume();
      pending.push(res);
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    try {
      const tracing = startTracing();
      // A span within a (remote) traced request, so that there is something to export.
      const parent = trace.wrapSpanContext({
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: 1,
      });
      await context.with(trace.setSpan(context.active(), parent), () =>
        tracing.upstream.span('upstream op', {}, async () => 'ok'),
      );
      await tracing.shutdown();
      // The export reached the collector and is still unanswered: shutdown did not wait for it.
      expect(pending).toHaveLength(1);
      expect(pending[0].writableEnded).toBe(false);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      for (const res of pending) res.destroy();
      collector.closeAllConnections();
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  });
});
