import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { UpstreamTracer } from '../connectors/ports/upstream-tracer';
import { BridgeTracing, RequestTracing } from './bridge-tracing';

const TRACING = Symbol('TRACING');

/** Sends the last spans and stops tracing when the application closes. */
class TracingShutdown implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: BridgeTracing) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}

/**
 * Present only when tracing is on: binds the connectors' UpstreamTracer and the RequestTracing
 * the account resolver annotates the request span with. Without it, neither token is bound and
 * nothing is traced.
 */
@Global()
@Module({})
export class TracingModule {
  static forRoot(tracing: BridgeTracing): DynamicModule {
    return {
      module: TracingModule,
      providers: [
        { provide: TRACING, useValue: tracing },
        { provide: UpstreamTracer, useValue: tracing.upstream },
        { provide: RequestTracing, useValue: tracing.requests },
        TracingShutdown,
      ],
      exports: [UpstreamTracer, RequestTracing],
    };
  }
}
