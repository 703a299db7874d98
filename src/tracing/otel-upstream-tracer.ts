import { performance } from 'node:perf_hooks';
import { Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import { TraceAttributes, TraceSpan, UpstreamTracer } from '../connectors/ports/upstream-tracer';

/** `db.system.name` of each SQL dialect (OpenTelemetry's database semantic conventions). */
const DB_SYSTEM: Record<string, string> = {
  postgres: 'postgresql',
  mysql: 'mysql',
  sqlite: 'sqlite',
};

/**
 * What a failure is called on a span: the error's code (`deadline_exceeded`, `ECONNRESET`,
 * `SQLITE_BUSY`) or class, never its message (a driver's message may quote the values of a row).
 */
export function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  if (typeof code === 'number') return String(code);
  return error instanceof Error ? error.constructor.name : 'Error';
}

function fail(span: Span, error: unknown): void {
  const type = errorType(error);
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/** The statement's first keyword (`SELECT`, `INSERT`, `WITH`...): its span's name. */
function operationOf(text: string): string {
  const match = /^\s*([A-Za-z]+)/.exec(text);
  return match ? match[1].toUpperCase() : 'SQL';
}

const UNTRACED: TraceSpan = { setAttributes: () => undefined };

/** The connectors' spans, made with the OpenTelemetry API, within traced requests only. */
export class OtelUpstreamTracer extends UpstreamTracer {
  constructor(private readonly tracer: Tracer) {
    super();
  }

  span<T>(
    name: string,
    attributes: TraceAttributes,
    work: (span: TraceSpan) => Promise<T>,
  ): Promise<T> {
    // Outside a traced request (readiness probes, start-up, command-line tools): no trace.
    if (!trace.getActiveSpan()) return work(UNTRACED);
    return this.tracer.startActiveSpan(name, { attributes }, async (span) => {
      try {
        return await work(span);
      } catch (error) {
        fail(span, error);
        throw error;
      } finally {
        span.end();
      }
    });
  }

  statement(dialect: string, text: string, ms: number, error?: unknown): void {
    // Statements outside a traced request (migrations, the demo seed, probes) are not recorded.
    if (!trace.getActiveSpan()) return;
    const end = performance.timeOrigin + performance.now();
    const operation = operationOf(text);
    const span = this.tracer.startSpan(operation, {
      kind: SpanKind.CLIENT,
      startTime: end - ms,
      attributes: {
        'db.system.name': DB_SYSTEM[dialect] ?? dialect,
        'db.operation.name': operation,
        'db.query.text': text,
      },
    });
    if (error !== undefined) fail(span, error);
    span.end(end);
  }
}
