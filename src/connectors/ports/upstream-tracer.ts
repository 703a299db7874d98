/** Span attributes: flat names (`bridge.upstream.attempt`) and plain values. */
export type TraceAttributes = Record<string, string | number | boolean>;

/** The span a traced piece of work runs in: it can add what it learns on the way. */
export interface TraceSpan {
  setAttributes(attributes: TraceAttributes): void;
}

/**
 * Traces the calls the connectors make (a span per guarded call and per attempt, one per SQL
 * statement). An abstract class, so it is also the injection token: the tracing module binds it
 * only when tracing is on, and the connectors take it when bound. Without it nothing is traced
 * and nothing costs. Attributes never carry credentials, bodies or query values.
 */
export abstract class UpstreamTracer {
  /**
   * Runs `work` in a new span, child of the current one; the spans started inside it (HTTP
   * requests, SQL statements) are its children. A failure is recorded (its class and code, never
   * its message) and passed on. Outside a traced request, `work` just runs.
   */
  abstract span<T>(
    name: string,
    attributes: TraceAttributes,
    work: (span: TraceSpan) => Promise<T>,
  ): Promise<T>;

  /**
   * Records one SQL statement that has just ended, `ms` long: its text as compiled (values are
   * bound parameters, never in the text) and, when it failed, the error's code. Outside a traced
   * request (migrations, the demo seed), nothing is recorded.
   */
  abstract statement(dialect: string, text: string, ms: number, error?: unknown): void;
}
