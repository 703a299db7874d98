import autocannon from 'autocannon';
import { cpuSecondsOf } from './processes';

export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  body?: unknown;
  connections: number;
  durationSec: number;
  warmupSec: number;
  /** The server's pid, to report how busy it was. */
  pid?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Mean response size, bytes. */
  bytesPerResponse: number;
  /** Share of one core the server used during the measurement (1 = one full core). */
  serverCpu?: number;
  /** Server CPU time per answered request, ms: unlike req/s, barely moved by other work on the machine. */
  cpuMsPerRequest?: number;
}

function fire(spec: LoadSpec, durationSec: number): Promise<autocannon.Result> {
  return autocannon({
    url: spec.url,
    method: spec.method ?? 'POST',
    headers: { 'content-type': 'application/json' },
    ...(spec.body !== undefined && { body: JSON.stringify(spec.body) }),
    connections: spec.connections,
    duration: durationSec,
  });
}

/** A warm-up, then a measured run at fixed concurrency (autocannon, in this process). */
export async function measure(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupSec > 0) await fire(spec, spec.warmupSec);
  const cpuBefore = spec.pid ? cpuSecondsOf(spec.pid) : 0;
  const started = process.hrtime.bigint();
  const result = await fire(spec, spec.durationSec);
  const wallSec = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuSeconds = spec.pid ? cpuSecondsOf(spec.pid) - cpuBefore : undefined;
  const responses = result.requests.total;
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: responses,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    bytesPerResponse: responses > 0 ? Math.round(result.throughput.total / responses) : 0,
    ...(cpuSeconds !== undefined && {
      serverCpu: cpuSeconds / wallSec,
      ...(responses > 0 && { cpuMsPerRequest: (cpuSeconds * 1000) / responses }),
    }),
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
