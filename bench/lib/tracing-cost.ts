import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { median } from './load';
import { cpuSecondsPreciseOf, ServerProcess } from './processes';

/**
 * What tracing costs: the same SQL contact sync through a bridge with tracing off and one with
 * tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set, every request sampled, exporting to a local OTLP
 * receiver), in the bridge process's CPU time per contact. The receiver runs in the bench's own
 * process: its work is the collector's, not the bridge's.
 *
 * The two bridges run side by side and sync page by page in turn (which one goes first
 * alternating every page), so that whatever else loads the machine loads both alike: each
 * round's figure is the ratio of the two, and the result the median of those ratios. The CPU
 * time is read once the batch processor has sent the round's last spans, so the export counts.
 */

export const TRACING_HEADING = '## Tracing';
/** The most CPU per contact tracing may add. */
export const TRACING_TARGET = 0.05;
/** Longer than the batch span processor's 5 s delay: every span ended before is then exported. */
const EXPORT_WAIT_MS = 5_500;
/** Pages each bridge serves before the measured sync, so that neither is measured cold. */
const WARM_UP_PAGES = 5;

export interface TracingCostResult {
  contacts: number;
  pages: number;
  rounds: number;
  /** Median CPU ms per contact, each round's value after. */
  offCpuMsPerContact: number;
  onCpuMsPerContact: number;
  offRounds: number[];
  onRounds: number[];
  /** Each round's on / off - 1 (the two bridges measured in the same minutes). */
  roundOverheads: number[];
  /** The median of the rounds' overheads. */
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

/** A contact sync through the SQL bridge from the start, one page at a time. */
class Sync {
  contacts = 0;
  pages = 0;
  done = false;
  private offset: unknown = null;
  private context: unknown = null;

  constructor(
    readonly bridge: ServerProcess,
    private readonly auth: Record<string, string>,
  ) {}

  async page(): Promise<void> {
    const res = await fetch(`${this.bridge.url}/contacts/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: this.auth,
        meta: { synchronization_checkpoint: null, offset: this.offset, context: this.context },
      }),
    });
    if (res.status !== 200) throw new Error(`contacts/sync answered ${res.status}`);
    const body = (await res.json()) as {
      contacts: unknown[];
      next_offset?: unknown;
      context?: unknown;
    };
    this.pages += 1;
    this.contacts += body.contacts.length;
    if (body.next_offset === undefined || body.next_offset === null || body.next_offset === '') {
      this.done = true;
    }
    this.offset = body.next_offset;
    this.context = body.context ?? null;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `rounds` rounds, each on a fresh pair of bridges (off and on, started in alternating order):
 * both warmed by a few pages, then both syncing up to `limit` contacts page by page in turn.
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
  const roundOverheads: number[] = [];
  let contacts = 0;
  let pages = 0;
  let exportRequests = 0;
  let exportedBytes = 0;
  const envOf = {
    off: { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' },
    on: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_TRACES_SAMPLER: 'always_on' },
  };
  try {
    for (let round = 1; round <= rounds; round++) {
      const order: ('off' | 'on')[] = round % 2 === 1 ? ['off', 'on'] : ['on', 'off'];
      const bridges: Partial<Record<'off' | 'on', ServerProcess>> = {};
      try {
        for (const mode of order) bridges[mode] = await startBridge(envOf[mode]);
        const both = order.map((mode) => ({ mode, bridge: bridges[mode]! }));
        for (const { bridge } of both) {
          const warm = new Sync(bridge, auth);
          for (let i = 0; i < WARM_UP_PAGES && !warm.done; i++) await warm.page();
        }
        await pause(EXPORT_WAIT_MS);
        const requestsBefore = sink.stats.requests;
        const bytesBefore = sink.stats.bytes;
        const measured = both.map(({ mode, bridge }) => ({
          mode,
          sync: new Sync(bridge, auth),
          cpuBefore: cpuSecondsPreciseOf(bridge.pid),
        }));
        for (let turn = 0; measured.some((m) => !m.sync.done && m.sync.contacts < limit); turn++) {
          for (const m of turn % 2 === 0 ? measured : [...measured].reverse()) {
            if (!m.sync.done && m.sync.contacts < limit) await m.sync.page();
          }
        }
        await pause(EXPORT_WAIT_MS);
        const perContact: Partial<Record<'off' | 'on', number>> = {};
        for (const m of measured) {
          const cpuMs = (cpuSecondsPreciseOf(m.sync.bridge.pid) - m.cpuBefore) * 1000;
          perContact[m.mode] = cpuMs / m.sync.contacts;
          contacts = m.sync.contacts;
          pages = m.sync.pages;
        }
        if (sink.stats.requests === requestsBefore) {
          throw new Error('the traced bridge exported nothing during its sync');
        }
        exportRequests += sink.stats.requests - requestsBefore;
        exportedBytes += sink.stats.bytes - bytesBefore;
        off.push(perContact.off!);
        on.push(perContact.on!);
        roundOverheads.push(perContact.on! / perContact.off! - 1);
        log(
          `tracing round ${round}: ${contacts} contacts, CPU per contact off ${perContact.off!.toFixed(4)} ms, on ${perContact.on!.toFixed(4)} ms: ${more(perContact.on! / perContact.off! - 1)}`,
        );
      } finally {
        for (const bridge of Object.values(bridges)) await bridge.stop();
      }
    }
  } finally {
    await new Promise<void>((resolve) => sink.server.close(() => resolve()));
  }
  return {
    contacts,
    pages,
    rounds,
    offCpuMsPerContact: median(off),
    onCpuMsPerContact: median(on),
    offRounds: off,
    onRounds: on,
    roundOverheads,
    overhead: median(roundOverheads),
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
    `tracing: SQL contact sync of ${t.contacts} contacts (${t.pages} pages), CPU per contact off ${t.offCpuMsPerContact.toFixed(4)} ms, on ${t.onCpuMsPerContact.toFixed(4)} ms; paired rounds ${t.roundOverheads.map(pct).join(', ')}: median ${more(t.overhead)} (target < ${pct(TRACING_TARGET)}; ${t.rounds} round(s); ${t.exportRequests} export request(s) received)`,
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
loopback. In each of ${t.rounds} round(s) a fresh pair of bridges syncs side by side, page by page
in turn, so that the machine's other work weighs on both alike; CPU time of each bridge process
per contact, read after the batch processor has exported the round's last spans (the export is
counted; the receiver's own work is not).

| tracing | CPU ms per contact (median) | rounds |
| ------- | --------------------------- | ------ |
| off | ${t.offCpuMsPerContact.toFixed(4)} | ${rounds(t.offRounds)} |
| on | ${t.onCpuMsPerContact.toFixed(4)} | ${rounds(t.onRounds)} |
| on / off − 1 | **${pct(t.overhead)}** | ${t.roundOverheads.map(pct).join(', ')} |

Tracing costs **${more(t.overhead)}** CPU per contact, the median of the rounds' paired
differences (target: under ${pct(TRACING_TARGET)}, ${met}). The rounds without tracing spread
over ${pct(spread(t.offRounds))} of their median, the paired differences over
${pct(Math.max(...t.roundOverheads) - Math.min(...t.roundOverheads))}.
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
