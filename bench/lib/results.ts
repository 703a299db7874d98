import { execSync } from 'node:child_process';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { LoadResult } from './load';
import { Hotspot } from './profile';
import { RestOverheadResult } from './rest-overhead';
import { SerializationResult } from './serialization';
import { SyncCost } from './sync-cost';

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

/** The headline at one page size: CPU per contact of a full sync, bridge against limit and baseline. */
export interface SyncCostRow {
  pageSize: number;
  bridge: SyncCost;
  limit: SyncCost;
  baseline: SyncCost;
  /** `--only headline --against DIR`: the bridge built in another checkout, in the same segments. */
  against?: SyncCost;
  /** The bridge's peak RSS (VmHWM) at the end of its sync, MB. */
  bridgePeakRssMb: number;
}

export interface InteractionsLoad {
  connections: number;
  seconds: number;
  result: LoadResult;
  peakRssMb: number;
}

export interface BenchResults {
  date: string;
  command: string;
  machine: Machine;
  settings: {
    connections: number;
    durationSec: number;
    pageSize: number;
    costSegments: number;
    segmentContacts: number;
    contacts: number;
  };
  /** The headline, per page size. */
  costs: SyncCostRow[];
  /** Interaction retrieval at many connections: CPU per request, peak memory. */
  interactions: InteractionsLoad;
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

export const SQL_TARGET_US = 7;
export const LIMIT_RATIO_TARGET = 0.8;
export const REST_TARGET_US = 10;
export const INTERACTIONS_TARGET_MS = 0.4;
export const RSS_TARGET_MB = 200;

/** "met", or by how much it is missed. */
function verdict(value: number, target: number, unit: string, atMost = true): string {
  const met = atMost ? value <= target : value >= target;
  if (met) return 'met';
  const by = Math.abs(value - target);
  return `NOT met, by ${by.toFixed(unit === 'ms' ? 2 : unit === '' ? 2 : 1)}${unit ? ` ${unit}` : ''}`;
}

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
  const { sync } = results;
  return [
    ...results.costs.map(
      (c) =>
        `full sync, pages of ${c.pageSize}: CPU per contact bridge ${c.bridge.cpuUsPerContact.toFixed(2)} µs, limit ${c.limit.cpuUsPerContact.toFixed(2)} µs (limit/bridge ${(c.limit.cpuUsPerContact / c.bridge.cpuUsPerContact).toFixed(2)}), same-normalizer baseline ${c.baseline.cpuUsPerContact.toFixed(2)} µs; bridge peak RSS ${n(c.bridgePeakRssMb, 1)} MB`,
    ),
    `interactions at ${results.interactions.connections} connections: ${n(results.interactions.result.cpuMsPerRequest ?? NaN, 3)} ms CPU per request, peak RSS ${n(results.interactions.peakRssMb, 1)} MB`,
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
    `REST connector (helpdesk.yaml, export pages of ${n(rest.upstreamPageSize)}), full sync of ${n(rest.contacts)} contacts: bridge ${rest.bridgeCpuUsPerContact.toFixed(2)} µs CPU per contact (direct read ${rest.directCpuUsPerContact.toFixed(2)} µs), ${n(rest.bridge.contactsPerSecond)} contacts/s vs ${n(rest.direct.contactsPerSecond)} contacts/s, ratio bridge/direct ${rest.ratio.toFixed(3)} (rounds: ${rest.ratios.map((r) => r.toFixed(3)).join(', ')}), peak RSS ${n(rest.bridgePeakRssMb, 1)} MB, ${rest.violations} contract violation(s)`,
  ];
}

export function restSection(rest: RestOverheadResult): string {
  return `${REST_HEADING}

A full contact sync of ${n(rest.contacts)} contacts through a bridge started with \`CONNECTOR=rest\`,
\`CONNECTOR_MANIFEST\` set to \`connectors/helpdesk.yaml\` with its export's \`per_page\` at the
upstream's largest page (${rest.upstreamPageSize}, as a user of the help desk would set it; the
example asks for 100) and \`CONNECTOR_BASE_URL\` pointing at a local help desk upstream
(\`bench/helpdesk-upstream.ts\`, its own process: an incremental export with cursors,
${rest.upstreamPageSize} contacts a page, serialized once so it costs little), against the same
contacts read straight from that upstream with the manifest's request, page size and cursors (a
plain loop over undici, one keep-alive connection, JSON parsed). Both are one request after
another, as Talkdesk syncs; ${rest.ratios.length} round(s) alternate which goes first.

| | requests | contacts | seconds | contacts/s | CPU µs per contact |
| --- | ---: | ---: | ---: | ---: | ---: |
| through the bridge (Talkdesk pages of ${rest.pageSize}) | ${n(rest.bridge.pages)} | ${n(rest.bridge.contacts)} | ${n(rest.bridge.seconds, 2)} | ${n(rest.bridge.contactsPerSecond)} | ${rest.bridgeCpuUsPerContact.toFixed(2)} (the bridge process) |
| upstream read directly (pages of ${rest.upstreamPageSize}) | ${n(rest.direct.pages)} | ${n(rest.direct.contacts)} | ${n(rest.direct.seconds, 2)} | ${n(rest.direct.contactsPerSecond)} | ${rest.directCpuUsPerContact.toFixed(2)} (the reader) |

**CPU per contact through the bridge: ${rest.bridgeCpuUsPerContact.toFixed(2)} µs** (median of the rounds; every thread of the bridge process, garbage collection included); target at most ${REST_TARGET_US} µs: **${verdict(rest.bridgeCpuUsPerContact, REST_TARGET_US, 'µs')}**. Bridge peak RSS ${n(rest.bridgePeakRssMb, 1)} MB.

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
    'Self time by package or bridge file, in a bridge serving full contact syncs as the headline',
    'drives them (`node --cpu-prof`; start-up and a warm-up sync left out, and idle time):',
    '',
    '| where | share of busy CPU |',
    '| --- | ---: |',
    ...rows,
  ].join('\n');
}

function costSection(results: BenchResults): string {
  const rows = results.costs.map((c) => {
    const ratio = c.limit.cpuUsPerContact / c.bridge.cpuUsPerContact;
    return `| ${n(c.pageSize)} | **${c.bridge.cpuUsPerContact.toFixed(2)}** | ${c.limit.cpuUsPerContact.toFixed(2)} | **${ratio.toFixed(2)}** | ${c.baseline.cpuUsPerContact.toFixed(2)} | ${(c.baseline.cpuUsPerContact / c.bridge.cpuUsPerContact).toFixed(2)} | ${verdict(c.bridge.cpuUsPerContact, SQL_TARGET_US, 'µs')}; ratio ${verdict(ratio, LIMIT_RATIO_TARGET, '', false)} | ${n(c.bridgePeakRssMb, 1)} |`;
  });
  const segments = results.costs
    .map(
      (c) =>
        `pages of ${c.pageSize}: bridge ${c.bridge.segments.map((v) => v.toFixed(2)).join(', ')}; limit ${c.limit.segments.map((v) => v.toFixed(2)).join(', ')}; baseline ${c.baseline.segments.map((v) => v.toFixed(2)).join(', ')}`,
    )
    .join('. ');
  return `| pages of | bridge µs/contact | limit µs/contact | limit / bridge | same-normalizer baseline µs/contact | baseline / bridge | target (≤ ${SQL_TARGET_US} µs, ≥ ${LIMIT_RATIO_TARGET} of the limit) | bridge peak RSS MB |
| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |
${rows.join('\n')}

CPU time of the serving process (user + system, every thread: garbage collection and compilation
included, read from \`/proc/<pid>/task/*/schedstat\`) per contact of a full contact sync driven as
Talkdesk drives it (one request after another, following \`next_offset\` and \`context\`). The
three servers sync the same account in the same run, segment by segment in turn (${results.settings.costSegments} measured segments of
about ${n(results.settings.segmentContacts)} contacts after a warm-up segment), so segment k of each covers the same contacts; the
figures are the medians of the segments (${segments}).

- **bridge**: the built bridge serving the demo tables through their SQL manifest
  (\`CONNECTOR_MANIFEST=connectors/sql/bridge-demo.yaml\`, \`DATABASE_URL\` the same SQLite file),
  its request logs on.
- **limit** (\`bench/limit-server.ts\`): \`node:http\`, the raw keyset statement on the same SQLite
  file, rows as objects with the JSON columns parsed, a Talkdesk-shaped page (the columns under
  Talkdesk's names, nothing normalized) and \`JSON.stringify\`. No framework, no validation, no
  credentials, plain-text offsets.
- **same-normalizer baseline** (\`bench/baseline-server.ts\`): raw Fastify running the adapter's
  SQL through the same row mapping and the same compiled \`toTalkdeskContact\` as the bridge; what
  the bridge costs above it is its own layers (NestJS, validation, credentials, signed tokens,
  the time budget, request logs), not the normalization.
`;
}

export function resultsMarkdown(results: BenchResults): string {
  const { machine: m, settings: s, sync, interactions } = results;
  const rssMet = sync.peakRssMb < RSS_TARGET_MB ? 'met' : 'NOT met';
  const peaks = [
    ...results.costs.map((c) => c.bridgePeakRssMb),
    sync.peakRssMb,
    interactions.peakRssMb,
    results.rest.bridgePeakRssMb,
  ];
  const peak = Math.max(...peaks);
  const interactionsCpu = results.endpoints.find((e) => e.name === 'POST /interactions/retrieve')
    ?.result.cpuMsPerRequest;
  return `# Benchmark results

Generated by \`bench/run.ts\`; do not edit by hand, run the command again.

- **Date:** ${results.date}
- **Command:** \`${results.command}\`
- **Machine:** ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB memory, ${m.os}, Node ${m.node}
- **Code:** commit ${m.commit}
- **Machine load:** one-minute load average ${results.loadAverage.start.toFixed(2)} at the start,
  ${results.loadAverage.end.toFixed(2)} at the end (other work shares the machine when it exceeds ~1)
- **Settings:** ${s.connections} connections, ${s.durationSec} s per endpoint measurement after a
  warm-up, \`CONTACTS_PAGE_SIZE=${s.pageSize}\` unless said otherwise, \`RATE_LIMIT_MAX=1000000\` (the limiter counts but never trips),
  ${n(s.contacts)} seeded contacts (plus the demo data), bridge started from \`dist/\` with the flags of \`npm start\` and its
  default settings otherwise (\`LOG_LEVEL=info\`, request logs written to a discarded stdout).

Everything runs on loopback on the same machine: the load generators in the bench process, the
bridge, the limit, the baseline and the REST upstream in child processes. CPU time, not wall
time, is what the targets are about: on a shared machine it moves far less.

## Headline: CPU per contact of a full contact sync, against the limit

${costSection(results)}

## Targets

| target | measured | verdict |
| --- | ---: | --- |
${results.costs
  .map(
    (c) =>
      `| SQL full sync, pages of ${c.pageSize}: ≤ ${SQL_TARGET_US} µs CPU per contact | ${c.bridge.cpuUsPerContact.toFixed(2)} µs (limit ${c.limit.cpuUsPerContact.toFixed(2)} µs: ${(c.limit.cpuUsPerContact / c.bridge.cpuUsPerContact).toFixed(2)} of it) | ${verdict(c.bridge.cpuUsPerContact, SQL_TARGET_US, 'µs')} |`,
  )
  .join('\n')}
| REST connector full sync: ≤ ${REST_TARGET_US} µs CPU per contact | ${results.rest.bridgeCpuUsPerContact.toFixed(2)} µs | ${verdict(results.rest.bridgeCpuUsPerContact, REST_TARGET_US, 'µs')} |
| interaction retrieval: ≤ ${INTERACTIONS_TARGET_MS} ms CPU per request | ${n(interactionsCpu ?? NaN, 3)} ms at ${s.connections} connections, ${n(interactions.result.cpuMsPerRequest ?? NaN, 3)} ms at ${interactions.connections} | ${verdict(interactionsCpu ?? NaN, INTERACTIONS_TARGET_MS, 'ms')} |
| peak RSS < ${RSS_TARGET_MB} MB in every benchmark | ${n(peak, 1)} MB (headline bridges ${results.costs.map((c) => n(c.bridgePeakRssMb, 1)).join(' / ')}, simulated full sync ${n(sync.peakRssMb, 1)}, interactions at ${interactions.connections} connections for ${interactions.seconds} s ${n(interactions.peakRssMb, 1)}, REST ${n(results.rest.bridgePeakRssMb, 1)}) | ${peak < RSS_TARGET_MB ? 'met' : `NOT met, by ${(peak - RSS_TARGET_MB).toFixed(1)} MB`} |

## Interaction retrieval under load

${interactions.connections} connections for ${interactions.seconds} s on \`POST /interactions/retrieve\` (a fresh bridge): ${n(interactions.result.requestsPerSecond)} req/s, p99 ${n(interactions.result.p99Ms, 1)} ms,
${n(interactions.result.cpuMsPerRequest ?? NaN, 3)} ms CPU per request, peak RSS ${n(interactions.peakRssMb, 1)} MB.

## Every endpoint (bridge)

${endpointTable(results.endpoints)}

\`POST /contacts/sync\` here asks for the same first page again and again (so its phone numbers
come from the memo): the headline's full syncs are the figure for contacts.
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
