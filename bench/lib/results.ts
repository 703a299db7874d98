import { execSync } from 'node:child_process';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { LoadResult } from './load';
import { Hotspot } from './profile';
import { RestOverheadResult } from './rest-overhead';
import { SerializationResult } from './serialization';

export interface Machine {
  nproc: number;
  memoryGiB: number;
  cpu: string;
  node: string;
  os: string;
  commit: string;
}

export function machine(): Machine {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    // Only what is measured counts: the code, the bench and the dependencies, not the docs.
    const changed = execSync(
      'git status --porcelain --untracked-files=no -- src bench package.json package-lock.json ":!bench/RESULTS.md"',
      { encoding: 'utf8' },
    ).trim();
    if (changed) commit += ' (with uncommitted changes to the code)';
  } catch {
    // not a git checkout
  }
  return {
    nproc: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    os: `Linux ${release()}`,
    commit,
  };
}

export interface EndpointRow {
  name: string;
  server: string;
  result: LoadResult;
}

export interface SyncResult {
  contacts: number;
  pages: number;
  seconds: number;
  contactsPerSecond: number;
  idleRssMb: number;
  peakRssMb: number;
  /** Bridge RSS after a quarter, half, three quarters of the full sync, and at its end. */
  rssQuartersMb: number[];
  violations: number;
  incrementalRecords: number;
}

export interface BenchResults {
  date: string;
  command: string;
  machine: Machine;
  settings: {
    connections: number;
    durationSec: number;
    headlineSec: number;
    rounds: number;
    pageSize: number;
    contacts: number;
  };
  headline: {
    ratio: number;
    ratios: number[];
    /** Baseline CPU ms per request / bridge CPU ms per request, median of the rounds. */
    cpuRatio: number;
    cpuRatios: number[];
    bridge: LoadResult;
    baseline: LoadResult;
  };
  endpoints: EndpointRow[];
  sync: SyncResult;
  /** The REST connector against its upstream read directly. */
  rest: RestOverheadResult;
  /** Where the bridge's CPU time goes under the contact sync load (full runs only). */
  hotspots: Hotspot[];
  /** JSON.stringify against a Fastify response schema (fast-json-stringify) on one page. */
  serialization: SerializationResult;
  /** One-minute load average of the machine, before and after: other work running beside. */
  loadAverage: { start: number; end: number };
}

export const RATIO_TARGET = 0.85;
export const RSS_TARGET_MB = 200;

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (value: number | undefined) =>
  value === undefined ? '' : `${Math.round(value * 100)} %`;

function endpointTable(rows: EndpointRow[]): string {
  const lines = [
    '| endpoint | server | req/s | p50 ms | p99 ms | response bytes | non-2xx | server CPU | CPU ms per request |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { name, server, result: r } of rows) {
    lines.push(
      `| ${name} | ${server} | ${n(r.requestsPerSecond)} | ${n(r.p50Ms, 1)} | ${n(r.p99Ms, 1)} | ${n(r.bytesPerResponse)} | ${r.non2xx + r.errors} | ${pct(r.serverCpu)} | ${r.cpuMsPerRequest === undefined ? '' : n(r.cpuMsPerRequest, 2)} |`,
    );
  }
  return lines.join('\n');
}

/** Short plain-text lines for the console (smoke and full runs alike). */
export function summaryLines(results: BenchResults): string[] {
  const { headline, sync } = results;
  return [
    `contacts/sync (pages of ${results.settings.pageSize}): bridge ${n(headline.bridge.requestsPerSecond)} req/s, baseline ${n(headline.baseline.requestsPerSecond)} req/s, ratio bridge/baseline ${headline.ratio.toFixed(2)} (rounds: ${headline.ratios.map((r) => r.toFixed(2)).join(', ')}; target >= ${RATIO_TARGET}); in CPU per request ${headline.cpuRatio.toFixed(2)}`,
    ...results.endpoints.map(
      (e) =>
        `${e.name} [${e.server}]: ${n(e.result.requestsPerSecond)} req/s, p50 ${n(e.result.p50Ms, 1)} ms, p99 ${n(e.result.p99Ms, 1)} ms`,
    ),
    `full sync of ${n(sync.contacts)} contacts: ${n(sync.seconds, 1)} s, ${n(sync.contactsPerSecond)} contacts/s, bridge peak RSS ${n(sync.peakRssMb, 1)} MB (target < ${RSS_TARGET_MB} MB), ${sync.violations} contract violation(s)`,
    ...restLines(results.rest),
  ];
}

export const REST_HEADING = '## REST connector overhead';

export function restLines(rest: RestOverheadResult): string[] {
  return [
    `REST connector (helpdesk.yaml), full sync of ${n(rest.contacts)} contacts: bridge ${n(rest.bridge.contactsPerSecond)} contacts/s, upstream read directly ${n(rest.direct.contactsPerSecond)} contacts/s, ratio bridge/direct ${rest.ratio.toFixed(3)} (rounds: ${rest.ratios.map((r) => r.toFixed(3)).join(', ')}), ${rest.violations} contract violation(s)`,
  ];
}

export function restSection(rest: RestOverheadResult): string {
  return `${REST_HEADING}

A full contact sync of ${n(rest.contacts)} contacts through a bridge started with \`CONNECTOR=rest\`,
\`CONNECTOR_MANIFEST=connectors/helpdesk.yaml\` and \`CONNECTOR_BASE_URL\` pointing at a local help
desk upstream (\`bench/helpdesk-upstream.ts\`, its own process: an incremental export with cursors,
${rest.upstreamPageSize} contacts a page, serialized once so it costs little), against the same
contacts read straight from that upstream with the manifest's request, page size and cursors (a
plain loop over undici, one keep-alive connection, JSON parsed). Both are one request after
another, as Talkdesk syncs; ${rest.ratios.length} round(s) alternate which goes first.

| | requests | contacts | seconds | contacts/s |
| --- | ---: | ---: | ---: | ---: |
| through the bridge (Talkdesk pages of ${rest.pageSize}) | ${n(rest.bridge.pages)} | ${n(rest.bridge.contacts)} | ${n(rest.bridge.seconds, 2)} | ${n(rest.bridge.contactsPerSecond)} |
| upstream read directly (pages of ${rest.upstreamPageSize}) | ${n(rest.direct.pages)} | ${n(rest.direct.contacts)} | ${n(rest.direct.seconds, 2)} | ${n(rest.direct.contactsPerSecond)} |

**Ratio bridge / direct: ${rest.ratio.toFixed(3)}** in contacts/s (median of the rounds ${rest.ratios
    .map((r) => r.toFixed(3))
    .join(', ')}; the rows are the round closest to the median). For one full sync the bridge made
${n(rest.upstreamRequests)} upstream requests (the direct read: ${n(rest.direct.pages)}). A sync through the simulator
found ${rest.violations} contract violation(s).

What the ratio prices: per Talkdesk page, the bridge's NestJS layers and credential check, the
manifest's JSONata and template mapping of every record, phone normalization to E.164, the
incremental bookkeeping (sorting, cutting pages at a change of update time, opaque tokens) and
a second hop over loopback; the direct read does none of this and maps nothing.
`;
}

function hotspotSection(spots: Hotspot[]): string {
  if (spots.length === 0) return 'Not profiled in this run.';
  const rows = spots.map((h) => `| ${h.where} | ${(h.share * 100).toFixed(1)} % |`);
  return [
    'Self time by package or bridge file, in the bridge serving `POST /contacts/sync` pages under',
    'the same load as above (`node --cpu-prof`, idle time left out, start-up included):',
    '',
    '| where | share of busy CPU |',
    '| --- | ---: |',
    ...rows,
  ].join('\n');
}

export function resultsMarkdown(results: BenchResults): string {
  const { machine: m, settings: s, headline: h, sync } = results;
  const ratioMet = h.ratio >= RATIO_TARGET ? 'met' : 'NOT met';
  const rssMet = sync.peakRssMb < RSS_TARGET_MB ? 'met' : 'NOT met';
  return `# Benchmark results

Generated by \`bench/run.ts\`; do not edit by hand, run the command again.

- **Date:** ${results.date}
- **Command:** \`${results.command}\`
- **Machine:** ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB memory, ${m.os}, Node ${m.node}
- **Code:** commit ${m.commit}
- **Machine load:** one-minute load average ${results.loadAverage.start.toFixed(2)} at the start,
  ${results.loadAverage.end.toFixed(2)} at the end (other work shares the machine when it exceeds ~1)
- **Settings:** ${s.connections} connections, ${s.durationSec} s per endpoint measurement after a
  warm-up; for the headline, ${s.rounds} rounds alternating bridge and baseline runs of ${s.headlineSec} s, \`CONTACTS_PAGE_SIZE=${s.pageSize}\`, \`RATE_LIMIT_MAX=1000000\` (the limiter counts but never trips),
  ${n(s.contacts)} seeded contacts (plus the demo data), bridge started from \`dist/\` with its
  default settings otherwise (\`LOG_LEVEL=info\`, request logs written to a discarded stdout).

Everything runs on loopback on the same machine: the load generator (autocannon) in the bench
process, the bridge and the baseline in child processes. Numbers are medians where rounds were
repeated; on a shared 2-core machine, read the ratios rather than the absolute figures.

## Headline: POST /contacts/sync, pages of ${s.pageSize} contacts

| | req/s | contacts/s | p50 ms | p99 ms | server CPU | CPU ms per request |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| bridge | ${n(h.bridge.requestsPerSecond)} | ${n(h.bridge.requestsPerSecond * s.pageSize)} | ${n(h.bridge.p50Ms, 1)} | ${n(h.bridge.p99Ms, 1)} | ${pct(h.bridge.serverCpu)} | ${n(h.bridge.cpuMsPerRequest ?? NaN, 2)} |
| baseline (raw Fastify, same SQL, same normalizer) | ${n(h.baseline.requestsPerSecond)} | ${n(h.baseline.requestsPerSecond * s.pageSize)} | ${n(h.baseline.p50Ms, 1)} | ${n(h.baseline.p99Ms, 1)} | ${pct(h.baseline.serverCpu)} | ${n(h.baseline.cpuMsPerRequest ?? NaN, 2)} |

**Ratio bridge / baseline: ${h.ratio.toFixed(2)}** (median of the rounds ${h.ratios
    .map((r) => r.toFixed(2))
    .join(', ')}); target at least ${RATIO_TARGET}: **${ratioMet}**.

The same comparison in server CPU time per request (baseline / bridge), which other work on
the machine barely moves: **${h.cpuRatio.toFixed(2)}** (rounds ${h.cpuRatios
    .map((r) => r.toFixed(2))
    .join(', ')}). The rows above are the round whose ratio is closest to the median.

The baseline answers the first page of a full sync for the same account with the same SQL
query, the same row mapping and the same compiled \`toTalkdeskContact\`; it has no NestJS, no
DTO validation, no credential check, plain-text offsets instead of opaque tokens, no time budget
and no request logs. The ratio is therefore the cost of the bridge's own layers.

## Every endpoint (bridge)

${endpointTable(results.endpoints)}

\`/auth/validate\` always re-checks the password (a salted scrypt hash, by design), so it is
CPU-bound on the hash. \`/actions/create_ticket\` writes a ticket per request.

## Full contact sync of ${n(sync.contacts)} contacts, driven by the simulator

| contacts | pages | duration s | contacts/s | bridge RSS idle MB | RSS at 25 / 50 / 75 / 100 % MB | bridge peak RSS MB | violations |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${n(sync.contacts)} | ${n(sync.pages)} | ${n(sync.seconds, 1)} | ${n(sync.contactsPerSecond)} | ${n(sync.idleRssMb, 1)} | ${sync.rssQuartersMb.map((mb) => (mb === undefined ? '?' : n(mb))).join(' / ')} | ${n(sync.peakRssMb, 1)} | ${sync.violations} |

A fresh bridge process serves the sync; the simulator follows every \`next_offset\`, checks each
page against the contract, then runs an incremental sync from the last checkpoint
(${n(sync.incrementalRecords)} contacts sent: the look-back window re-reads the 30 s before the
instant the full sync read up to, not before its last contact). Peak RSS is the
kernel's high-water mark (\`VmHWM\` in \`/proc/<pid>/status\`) of the bridge process at the end
of the sync. Target under ${RSS_TARGET_MB} MB: **${rssMet}**.

## Where the bridge's time goes

${hotspotSection(results.hotspots)}

## Response serialization

One page of ${s.pageSize} contacts (${n(results.serialization.bytes)} bytes) as the bridge sends it:
\`JSON.stringify\` (what the bridge uses) takes ${n(results.serialization.jsonStringifyMs, 3)} ms,
fast-json-stringify compiled from the spec's \`SyncContactsResponse\` (what a Fastify response
schema would use) ${n(results.serialization.fastJsonStringifyMs, 3)} ms. ${
    results.serialization.fastJsonStringifyMs < results.serialization.jsonStringifyMs
      ? 'A response schema would serialize faster.'
      : 'A response schema would not make this string-heavy page faster, so the bridge keeps the native serializer.'
  }

${restSection(results.rest)}`;
}
