import { performance } from 'node:perf_hooks';
import type { CompiledQuery } from 'kysely';
import type { UpstreamTracer } from '../../ports/upstream-tracer';
import type { SqlClient, SqlSession } from './sql-client';

/** Runs one statement, then tells the tracer of it (its text, how long, its failure). */
async function timed<T>(
  tracer: UpstreamTracer,
  dialect: string,
  query: CompiledQuery,
  run: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    const result = await run();
    tracer.statement(dialect, query.sql, performance.now() - started);
    return result;
  } catch (error) {
    tracer.statement(dialect, query.sql, performance.now() - started, error);
    throw error;
  }
}

function tracedSession(session: SqlSession, tracer: UpstreamTracer, dialect: string): SqlSession {
  return {
    all: (query) => timed(tracer, dialect, query, () => session.all(query)),
    write: (query) => timed(tracer, dialect, query, () => session.write(query)),
  };
}

/**
 * The client with every statement it runs, in a transaction or not, recorded by the tracer (the
 * statements run on the driver directly, so Kysely's own log never sees them).
 */
export function tracedSqlClient(client: SqlClient, tracer: UpstreamTracer): SqlClient {
  const { dialect } = client;
  return {
    ...tracedSession(client, tracer, dialect),
    dialect,
    builder: client.builder,
    transaction: (work) =>
      client.transaction((session) => work(tracedSession(session, tracer, dialect))),
    close: () => client.close(),
  };
}
