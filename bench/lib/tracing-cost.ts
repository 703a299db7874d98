import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { median } from './load';
import { cpuSecondsOf, ServerProcess } from './processes';

/**
 * What tracing costs: the same SQL contact sync through a bridge with tracing off and one with
 * tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set, every request sampled, exporting to a local OTLP
 * receiver), in the bridge process's CPU time per contact. The receiver runs in the bench's own
 * process: its work is the collector's, not the bridge's.
 */

export const TRACING_HEADING = '## Tracing';
/** The most CPU per contact tracing may add. */
export const TRACING_TARGET = 0.05;

export interface TracingCostResult {
  contacts: number;
  pages: number;
  rounds: number;
  /** Median CPU ms per contact, each round's value after. */
  offCpuMsPerContact: number;
  onCpuMsPerContact: number;
  offRounds: number[];
  onRounds: number[];
  /** on / off - 1, of the medians. */
  overhead: number;
  /** Spans and bytes the receiver took during the traced syncs. */
  exportRequests: number;
  exportedBytes: number;
}

/** An OTLP/HTTP endpoint that takes every export and answers 200, counting what it received. */
async function startSink(): Promise<{
  endpoint: string;
  stats: { requests: number; bytes: number };
  server: Server;
}> {
  const stats = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (stats.bytes += chunk.length));
    req.on('end', () => {
      stats.requests += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stats, server };
}

/** A contact sync through the SQL bridge, from the start, stopping after `limit` contacts. */
async function syncCpu(
  bridge: ServerProcess,
  auth: Record<string, string>,
  limit: number,
): Promise<{ contacts: number; pages: number; cpuMsPerContact: number }> {
  const before = cpuSecondsOf(bridge.pid);
  let contacts = 0;
  let pages = 0;
  let offset: unknown = null;
  let context: unknown = null;
  while (contacts < limit) {
    const res = await fetch(`${bridge.url}/contacts/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth, meta: { synchronization_checkpoint: null, offset, context } }),
    });
    if (res.status !== 200) throw new Error(`contacts/sync answered ${res.status}`);
    const body = (await res.json()) as {
      contacts: unknown[];
      next_offset?: unknown;
      context?: unknown;
    };
    pages += 1;
    contacts += body.contacts.length;
    if (body.next_offset === undefined || body.next_offset === null || body.next_offset === '')
      break;
    offset = body.next_offset;
    context = body.context ?? null;
  }
  const cpuMs = (cpuSecondsOf(bridge.pid) - before) * 1000;
  return { contacts, pages, cpuMsPerContact: cpuMs / contacts };
}

/**
 * `rounds` pairs of syncs of up to `limit` contacts, off and on, the order alternating per round
 * so that neither always runs on a warmer machine. Each bridge is fresh and warmed by one page.
 */
export async function tracingCost(
  startBridge: (env: Record<string, string>) => Promise<ServerProcess>,
  auth: Record<string, string>,
  limit: number,
  rounds: number,
  log: (line: string) => void,
): Promise<TracingCostResult> {
  const sink = await startSink();
  const off: number[] = [];
  const on: number[] = [];
  let contacts = 0;
  let pages = 0;
  let exportRequests = 0;
  let exportedBytes = 0;
  try {
    for (let round = 1; round <= rounds; round++) {
      const order: ('off' | 'on')[] = round % 2 === 1 ? ['off', 'on'] : ['on', 'off'];
      for (const mode of order) {
        const bridge = await startBridge(
          mode === 'on'
            ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_TRACES_SAMPLER: 'always_on' }
            : { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' },
        );
        try {
          await syncCpu(bridge, auth, 1);
          const requestsBefore = sink.stats.requests;
          const bytesBefore = sink.stats.bytes;
          const run = await syncCpu(bridge, auth, limit);
          (mode === 'on' ? on : off).push(run.cpuMsPerContact);
          contacts = run.contacts;
          pages = run.pages;
          if (mode === 'on') {
            // Let the batch processor's last export (every 5 s) arrive before counting it.
            await bridge.stop();
            exportRequests += sink.stats.requests - requestsBefore;
            exportedBytes += sink.stats.bytes - bytesBefore;
          }
          log(
            `tracing ${mode}, round ${round}: ${run.contacts} contacts, ${run.cpuMsPerContact.toFixed(4)} ms CPU per contact`,
          );
        } finally {
          await bridge.stop();
        }
      }
    }
  } finally {
    await new Promise<void>((resolve) => sink.server.close(() => resolve()));
  }
  const offCpuMsPerContact = median(off);
  const onCpuMsPerContact = median(on);
  return {
    contacts,
    pages,
    rounds,
    offCpuMsPerContact,
    onCpuMsPerContact,
    offRounds: off,
    onRounds: on,
    overhead: onCpuMsPerContact / offCpuMsPerContact - 1,
    exportRequests,
    exportedBytes,
  };
}

const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
/** `2.2 % more`, or `1.0 % less` when the traced runs happened to cost less (noise). */
const more = (overhead: number) =>
  overhead >= 0 ? `${pct(overhead)} more` : `${pct(-overhead)} less`;

export function tracingLines(t: TracingCostResult): string[] {
  return [
    `tracing: SQL contact sync of ${t.contacts} contacts (${t.pages} pages), CPU per contact off ${t.offCpuMsPerContact.toFixed(4)} ms, on ${t.onCpuMsPerContact.toFixed(4)} ms: ${more(t.overhead)} (target < ${pct(TRACING_TARGET)}; ${t.rounds} round(s); ${t.exportRequests} export request(s) received)`,
  ];
}

/** (max - min) / median: how far one mode's rounds stray from each other. */
const spread = (values: number[]) => (Math.max(...values) - Math.min(...values)) / median(values);

export function tracingSection(t: TracingCostResult, command: string, loadAverage: number): string {
  const met = t.overhead < TRACING_TARGET ? 'met' : 'NOT met';
  const rounds = (values: number[]) => values.map((v) => v.toFixed(4)).join(', ');
  return `${TRACING_HEADING}

The SQL contact sync (the first ${t.contacts} contacts of a full sync, ${t.pages} pages) through a
bridge with tracing off and through one with tracing on (\`OTEL_EXPORTER_OTLP_ENDPOINT\` set,
\`OTEL_TRACES_SAMPLER=always_on\`: every page traced), exporting to an OTLP/HTTP receiver on
loopback. CPU time of the bridge process per contact, median of ${t.rounds} round(s), each bridge
fresh; the receiver's own work is not counted.

| tracing | CPU ms per contact | rounds |
| ------- | ------------------ | ------ |
| off | ${t.offCpuMsPerContact.toFixed(4)} | ${rounds(t.offRounds)} |
| on | ${t.onCpuMsPerContact.toFixed(4)} | ${rounds(t.onRounds)} |

Tracing costs **${more(t.overhead)}** CPU per contact (target: under ${pct(TRACING_TARGET)}, ${met}).
The rounds without tracing spread over ${pct(spread(t.offRounds))} of their median: a difference
smaller than that is within the noise of the machine.
The receiver took ${t.exportRequests} export request(s), ${(t.exportedBytes / 1024).toFixed(0)} KiB.
Measured by \`${command}\` on ${new Date().toISOString()} (one-minute load average ${loadAverage.toFixed(2)}).
`;
}

/** Puts the section into the results file: replaces its previous one, or appends it. */
export function writeTracingSection(file: string, section: string): void {
  writeSection(file, TRACING_HEADING, section);
}

/** Puts a section (starting with `heading`) into the results file, replacing or appending it. */
export function writeSection(file: string, heading: string, section: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = current.indexOf(heading);
  if (start < 0) {
    writeFileSync(file, current.trim() === '' ? section : `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = current.indexOf('\n## ', start + heading.length);
  writeFileSync(
    file,
    current.slice(0, start) + section.trimEnd() + '\n' + (next < 0 ? '' : current.slice(next)),
  );
}
