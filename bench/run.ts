/**
 * `npm run bench` (full) and `npm run bench:smoke` (seconds, for CI): throughput and latency of
 * every endpoint, the contact sync against a raw Fastify baseline, and a full sync of many
 * contacts driven by the simulator with the bridge's peak memory. Runs the built bridge (dist/).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { simulate } from '../src/simulator/simulator';
import { measure, median } from './lib/load';
import { CpuProfile, Hotspot, hotspots, topFunctions } from './lib/profile';
import { compareSerializers, SerializationResult } from './lib/serialization';
import { freePort, memoryOf, runNode, ServerProcess, startServer } from './lib/processes';
import { closeSyncCostClient, compareSyncCosts, SyncTarget } from './lib/sync-cost';
import {
  benchManifest,
  closeRestClients,
  compareSyncs,
  HELPDESK_PAGE_SIZE,
  RestOverheadResult,
  syncThroughBridge,
} from './lib/rest-overhead';
import { HELPDESK_AUTH } from './helpdesk-upstream';
import {
  TRACING_HEADING,
  tracingCost,
  tracingLines,
  tracingSection,
  writeSection,
  writeTracingSection,
} from './lib/tracing-cost';
import {
  INTERACTIONS_HEADING,
  interactionsAlone,
  interactionsAloneSection,
} from './lib/interactions-alone';
import {
  BenchResults,
  EndpointRow,
  machine,
  InteractionsLoad,
  REST_HEADING,
  restLines,
  restSection,
  resultsMarkdown,
  summaryLines,
  SyncCostRow,
  SyncResult,
} from './lib/results';

const ROOT = resolve(__dirname, '..');
const DEMO = { username: 'demo@example.com', password: 'demo' };

/**
 * The bridge configurations measured on every endpoint (the REST connector has its own
 * measurement, against its upstream read directly: `restOverhead`).
 */
const TARGETS: { name: string; env: Record<string, string> }[] = [
  { name: 'bridge (SQL adapter)', env: { CONNECTOR: 'sql' } },
];

interface Settings {
  smoke: boolean;
  contacts: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  pageSize: number;
  fresh: boolean;
  out?: string;
  /** Contacts the help desk upstream holds for the REST connector's overhead. */
  restContacts: number;
  restRounds: number;
  /** `rest`: only the REST connector's overhead, written into the existing results file. */
  /** `tracing`: only the cost of tracing, its section written into the results file. */
  /** `interactions`: only interaction retrieval (rounds, the long run) and the simulated sync's memory. */
  /** `headline`: only the headline (bridge, limit, baseline at each page size), printed, nothing written. */
  only?: 'rest' | 'tracing' | 'interactions' | 'headline';
  /** With `--only headline` or `rest`: also where the bridge's CPU time goes (printed). */
  profile: boolean;
  /**
   * With `--only headline` or `rest`: the root of another checkout, built (its `dist/`), whose
   * bridge syncs in the same segments (rounds) as the bridge: before and after a change, paired.
   */
  against?: string;
  /** Rounds of the interaction measurement of `--only interactions`. */
  interactionRounds: number;
  /** Contacts each sync of the tracing cost reads (at most the data set), and its rounds. */
  tracingContacts: number;
  tracingRounds: number;
  /** Page sizes of the headline (CPU per contact of a full sync). */
  costPageSizes: number[];
  /** Measured segments of the headline's syncs, and contacts in each. */
  costSegments: number;
  segmentContacts: number;
  /** Interaction retrieval under load: connections and seconds (peak memory, CPU per request). */
  interactionConnections: number;
  interactionSec: number;
}

function settings(): Settings {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      contacts: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      'page-size': { type: 'string' },
      fresh: { type: 'boolean', default: false },
      out: { type: 'string' },
      'rest-contacts': { type: 'string' },
      'rest-rounds': { type: 'string' },
      only: { type: 'string' },
      segments: { type: 'string' },
      'segment-contacts': { type: 'string' },
      'tracing-contacts': { type: 'string' },
      'tracing-rounds': { type: 'string' },
      'interaction-rounds': { type: 'string' },
      profile: { type: 'boolean', default: false },
      against: { type: 'string' },
    },
  });
  const only = ['rest', 'tracing', 'interactions', 'headline'];
  if (values.only !== undefined && !only.includes(values.only)) {
    throw new Error(`--only takes ${only.join(', ')} (got ${values.only})`);
  }
  const smoke = values.smoke;
  const num = (text: string | undefined, fallback: number) => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`not a positive number: ${text}`);
    return value;
  };
  return {
    smoke,
    contacts: num(values.contacts, smoke ? 2_000 : 1_000_000),
    durationSec: num(values.duration, smoke ? 1 : 10),
    warmupSec: smoke ? 0.5 : 2,
    connections: num(values.connections, smoke ? 4 : 10),
    pageSize: num(values['page-size'], 500),
    fresh: values.fresh,
    restContacts: num(values['rest-contacts'], smoke ? 1_000 : 20_000),
    restRounds: num(values['rest-rounds'], smoke ? 1 : 5),
    only: values.only as Settings['only'],
    profile: values.profile,
    against: values.against === undefined ? undefined : resolve(values.against),
    interactionRounds: num(values['interaction-rounds'], smoke ? 1 : 5),
    tracingContacts: num(values['tracing-contacts'], smoke ? 2_000 : 100_000),
    tracingRounds: num(values['tracing-rounds'], smoke ? 1 : 9),
    costPageSizes: [...new Set([num(values['page-size'], 500), 1000])],
    costSegments: num(values.segments, smoke ? 1 : 9),
    segmentContacts: num(values['segment-contacts'], smoke ? 500 : 20_000),
    interactionConnections: smoke ? 4 : 50,
    interactionSec: smoke ? 1 : 30,
    out: smoke ? values.out : (values.out ?? join(ROOT, 'bench', 'RESULTS.md')),
  };
}

const log = (line: string) => console.log(`[bench] ${line}`);

/** The seeded database: cached under bench/.data for full runs, a temporary one for smoke runs. */
async function prepareData(s: Settings): Promise<{ dataDir: string; temporary: boolean }> {
  const temporary = s.smoke;
  const dataDir = temporary
    ? mkdtempSync(join(tmpdir(), 'bridge-bench-'))
    : join(ROOT, 'bench', '.data', `contacts-${s.contacts}`);
  const marker = join(dataDir, 'seeded');
  if (!temporary && existsSync(marker) && !s.fresh) {
    log(
      `reusing the database seeded with ${s.contacts} contacts in ${dataDir} (--fresh to reseed)`,
    );
    return { dataDir, temporary };
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  log(`seeding ${s.contacts} contacts (demo data included)...`);
  const started = Date.now();
  await runNode(
    [join(ROOT, 'dist/bin/seed.js'), '--contacts', String(s.contacts), '--batch', '10000'],
    {
      DATA_DIR: dataDir,
      DATABASE_URL: '',
    },
  );
  writeFileSync(marker, new Date().toISOString());
  log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { dataDir, temporary };
}

/** The V8 flags `npm start` launches the bridge with, so the bench measures what users run. */
const BRIDGE_NODE_FLAGS = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));

async function startBridge(
  dataDir: string,
  s: Settings,
  extra: Record<string, string> = {},
  nodeOptions: string[] = [],
  root = ROOT,
): Promise<ServerProcess> {
  const port = await freePort();
  return startServer(
    root === ROOT ? 'bridge' : 'bridge (against)',
    [...nodeOptions, ...BRIDGE_NODE_FLAGS, join(root, 'dist/main.js')],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      CONTACTS_PAGE_SIZE: String(s.pageSize),
      // The per-account rate limit stays on (its cost is measured) but never trips under the load.
      RATE_LIMIT_MAX: '1000000',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      ...extra,
    },
    port,
  );
}

async function startBaseline(dataDir: string, s: Settings): Promise<ServerProcess> {
  const port = await freePort();
  return startServer(
    'baseline',
    ['--import', 'tsx', join(ROOT, 'bench/baseline-server.ts')],
    {
      PORT: String(port),
      BASELINE_DATABASE: join(dataDir, 'bridge.sqlite'),
      BASELINE_ACCOUNT: DEMO.username,
      CONTACTS_PAGE_SIZE: String(s.pageSize),
    },
    port,
  );
}

async function startLimit(dataDir: string, pageSize: number): Promise<ServerProcess> {
  const port = await freePort();
  return startServer(
    'limit',
    ['--import', 'tsx', join(ROOT, 'bench/limit-server.ts')],
    {
      PORT: String(port),
      BASELINE_DATABASE: join(dataDir, 'bridge.sqlite'),
      BASELINE_ACCOUNT: DEMO.username,
      CONTACTS_PAGE_SIZE: String(pageSize),
    },
    port,
  );
}

/**
 * The bridge of the headline and its profile: the demo tables read through their SQL manifest,
 * the connector the demo runs on.
 */
const demoManifest = (dataDir: string, root = ROOT): Record<string, string> => ({
  CONNECTOR: 'sql',
  CONNECTOR_MANIFEST: join(root, 'connectors/sql/bridge-demo.yaml'),
  DATABASE_URL: `sqlite:${join(dataDir, 'bridge.sqlite')}`,
});

const SYNC_BODY = {
  auth: DEMO,
  meta: { synchronization_checkpoint: null, offset: null, context: null },
};

/**
 * The headline: CPU time per contact of a full sync through the bridge, the limit (limit-server.ts)
 * and the same-normalizer baseline (baseline-server.ts), for each page size, in one run.
 */
async function syncCosts(dataDir: string, s: Settings): Promise<SyncCostRow[]> {
  const rows: SyncCostRow[] = [];
  for (const pageSize of s.costPageSizes) {
    const servers: ServerProcess[] = [];
    try {
      const bridge = await startBridge(dataDir, { ...s, pageSize }, demoManifest(dataDir));
      servers.push(bridge);
      const limit = await startLimit(dataDir, pageSize);
      servers.push(limit);
      const baseline = await startBaseline(dataDir, { ...s, pageSize });
      servers.push(baseline);
      if (s.against) {
        const root = s.against;
        servers.push(
          await startBridge(dataDir, { ...s, pageSize }, demoManifest(dataDir, root), [], root),
        );
      }
      const targets: SyncTarget[] = servers.map((server) => ({
        name: server.name,
        url: server.url,
        pid: server.pid,
        auth: DEMO,
      }));
      const pages = Math.max(1, Math.round(s.segmentContacts / pageSize));
      log(
        `full sync cost, pages of ${pageSize}: ${s.costSegments} segment(s) of ${pages} pages, ${targets.map((t) => t.name).join(' / ')} in turn`,
      );
      const [b, l, r, a] = await compareSyncCosts(targets, s.costSegments, pages, log);
      rows.push({
        pageSize,
        bridge: b,
        limit: l,
        baseline: r,
        ...(a && { against: a }),
        bridgePeakRssMb: memoryOf(bridge.pid).peakKb / 1024,
      });
    } finally {
      for (const server of servers) await server.stop();
    }
  }
  return rows;
}

/** Interaction retrieval at many connections for a while: CPU per request and peak memory. */
async function interactionsLoad(dataDir: string, s: Settings): Promise<InteractionsLoad> {
  const bridge = await startBridge(dataDir, s);
  try {
    const result = await measure({
      url: `${bridge.url}/interactions/retrieve`,
      body: {
        auth: DEMO,
        meta: { interaction_types: ['ticket', 'note', 'call'] },
        data: { contact_external_id: '1' },
      },
      connections: s.interactionConnections,
      durationSec: s.interactionSec,
      warmupSec: s.warmupSec,
      pid: bridge.pid,
    });
    if (result.non2xx + result.errors > 0) {
      throw new Error(`interactions: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
    }
    return {
      connections: s.interactionConnections,
      seconds: s.interactionSec,
      result,
      peakRssMb: memoryOf(bridge.pid).peakKb / 1024,
    };
  } finally {
    await bridge.stop();
  }
}

async function endpoints(bridge: ServerProcess, name: string, s: Settings): Promise<EndpointRow[]> {
  const cases: { name: string; path: string; method?: 'GET' | 'POST'; body?: unknown }[] = [
    {
      name: `POST /contacts/sync (${s.pageSize} contacts)`,
      path: '/contacts/sync',
      body: SYNC_BODY,
    },
    {
      name: 'POST /agents/sync',
      path: '/agents/sync',
      body: { auth: DEMO, meta: { offset: null } },
    },
    {
      name: 'POST /interactions/retrieve',
      path: '/interactions/retrieve',
      body: {
        auth: DEMO,
        meta: { interaction_types: ['ticket', 'note', 'call'] },
        data: { contact_external_id: '1' },
      },
    },
    { name: 'POST /auth/validate', path: '/auth/validate', body: { auth: DEMO } },
    {
      name: 'POST /actions/create_ticket',
      path: '/actions/create_ticket',
      body: {
        auth: DEMO,
        meta: { contact_external_id: '2' },
        data: { subject: 'Benchmark', description: 'Written by the benchmark.' },
      },
    },
    { name: 'GET /health/live', path: '/health/live', method: 'GET' },
  ];
  const rows: EndpointRow[] = [];
  for (const c of cases) {
    const result = await measure({
      url: `${bridge.url}${c.path}`,
      method: c.method ?? 'POST',
      body: c.body,
      connections: s.connections,
      durationSec: s.durationSec,
      warmupSec: s.warmupSec,
      pid: bridge.pid,
    });
    if (result.non2xx + result.errors > 0) {
      throw new Error(`${c.name}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
    }
    log(`${c.name}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99Ms} ms`);
    rows.push({ name: c.name, server: name, result });
  }
  return rows;
}

/** The bridge serving a full sync with V8's CPU profiler on: where its time goes. */
async function profile(dataDir: string, s: Settings): Promise<Hotspot[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-profile-'));
  try {
    const bridge = await startBridge(dataDir, s, demoManifest(dataDir), [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
    ]);
    let fromUs = 0;
    try {
      const target = { name: 'bridge', url: bridge.url, pid: bridge.pid, auth: DEMO };
      const pages = Math.round(s.segmentContacts / s.pageSize);
      // A warm-up first; the profile counts only what comes after it.
      await compareSyncCosts([target], 0, pages, () => {});
      fromUs = Number(process.hrtime.bigint() / 1000n);
      await compareSyncCosts([target], 6, pages, () => {});
    } finally {
      await bridge.stop();
    }
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('the bridge wrote no CPU profile');
    return hotspots(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, 14, fromUs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh bridge serves a full sync driven by the simulator; its RSS is watched throughout. */
async function fullSync(dataDir: string, s: Settings): Promise<SyncResult> {
  const bridge = await startBridge(dataDir, s);
  try {
    const idle = memoryOf(bridge.pid);
    let sampledPeakKb = idle.rssKb;
    const rssAt: number[] = [];
    const sampler = setInterval(() => {
      sampledPeakKb = Math.max(sampledPeakKb, memoryOf(bridge.pid).rssKb);
    }, 200);
    const report = await simulate(
      {
        url: bridge.url,
        auth: DEMO,
        skip: ['auth', 'agents', 'interactions'],
        interactionSamples: 0,
        maxPages: Math.ceil((s.contacts + 10_000) / s.pageSize) * 2,
      },
      {
        progress: (phase, records, pages) => {
          if (!s.smoke && pages % 200 === 0) log(`${phase}: ${records} contacts, ${pages} pages`);
          // Resident memory as the sync goes: flat means it does not grow with the contacts.
          const quarter = Math.floor((4 * records) / (s.contacts + 1500));
          if (phase === 'contacts (full)' && quarter >= 1 && quarter <= 3 && !rssAt[quarter - 1]) {
            rssAt[quarter - 1] = memoryOf(bridge.pid).rssKb / 1024;
          }
        },
      },
    );
    clearInterval(sampler);
    const { peakKb, rssKb } = memoryOf(bridge.pid);
    rssAt[3] = rssKb / 1024;
    const full = report.phases.find((p) => p.phase === 'contacts (full)');
    const incremental = report.phases.find((p) => p.phase === 'contacts (incremental)');
    if (!full || full.records === 0) throw new Error('the full sync synchronized nothing');
    if (!report.passed) {
      for (const v of report.violations.slice(0, 10))
        log(`violation: ${v.phase} ${v.check}: ${v.message}`);
    }
    return {
      contacts: full.records,
      pages: full.pages,
      seconds: full.durationMs / 1000,
      contactsPerSecond: full.records / (full.durationMs / 1000),
      idleRssMb: idle.rssKb / 1024,
      peakRssMb: Math.max(peakKb, sampledPeakKb) / 1024,
      rssQuartersMb: rssAt,
      violations: report.violationCount,
      incrementalRecords: incremental?.records ?? 0,
    };
  } finally {
    await bridge.stop();
  }
}

/**
 * The bridge of the REST measurement: helpdesk.yaml (of `root`) at the upstream's largest export
 * page (benchManifest), written into `dir`, over the bench's upstream.
 */
function restManifest(dir: string, upstreamUrl: string, root = ROOT): Record<string, string> {
  const file = join(dir, root === ROOT ? 'helpdesk.yaml' : 'helpdesk-against.yaml');
  writeFileSync(file, benchManifest(readFileSync(join(root, 'connectors/helpdesk.yaml'), 'utf8')));
  return {
    CONNECTOR: 'rest',
    CONNECTOR_MANIFEST: file,
    CONNECTOR_BASE_URL: `${upstreamUrl}/{{ auth.subdomain }}/api/v2`,
  };
}

/** Where the REST bridge's time goes: groups, and the functions with the most self time. */
interface RestProfile {
  hotspots: Hotspot[];
  functions: Hotspot[];
}

/**
 * The REST connector's overhead: a full contact sync through a bridge with CONNECTOR=rest and
 * connectors/helpdesk.yaml over a local help desk upstream, against reading the same upstream
 * directly with the manifest's request, page size and cursors, in contacts/s. With `--against`,
 * the bridge of another checkout syncs in the same rounds; with `--profile`, a bridge under
 * V8's CPU profiler syncs as many rounds afterwards.
 */
async function restOverhead(s: Settings): Promise<RestOverheadResult & { profile?: RestProfile }> {
  const upstreamPort = await freePort();
  const upstream = await startServer(
    'help desk upstream',
    ['--import', 'tsx', join(ROOT, 'bench/helpdesk-upstream.ts')],
    { PORT: String(upstreamPort), UPSTREAM_CONTACTS: String(s.restContacts) },
    upstreamPort,
    '/health',
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'bridge-bench-rest-'));
  const servers: ServerProcess[] = [];
  try {
    const bridge = await startBridge(dataDir, s, restManifest(dataDir, upstream.url));
    servers.push(bridge);
    const against = s.against
      ? await startBridge(dataDir, s, restManifest(dataDir, upstream.url, s.against), [], s.against)
      : undefined;
    if (against) servers.push(against);
    // Once through the simulator: every page checked against the contract (and a warm-up).
    const report = await simulate({
      url: bridge.url,
      auth: HELPDESK_AUTH,
      skip: ['auth', 'agents', 'interactions'],
      interactionSamples: 0,
      maxPages: Math.ceil(s.restContacts / s.pageSize) * 2 + 10,
    });
    const full = report.phases.find((p) => p.phase === 'contacts (full)');
    for (const v of report.violations.slice(0, 10))
      log(`REST violation: ${v.phase} ${v.check}: ${v.message}`);
    if (full?.records !== s.restContacts) {
      throw new Error(
        `the simulated sync through the REST connector sent ${full?.records ?? 0} contacts, the upstream holds ${s.restContacts}`,
      );
    }
    const exportRequests = async () =>
      ((await fetch(`${upstream.url}/stats`).then((r) => r.json())) as { exportRequests: number })
        .exportRequests;
    const before = await exportRequests();
    await syncThroughBridge(bridge.url);
    const upstreamRequests = (await exportRequests()) - before;
    log(
      `REST connector: ${s.restRounds} round(s) of a full sync of ${s.restContacts} contacts, bridge${against ? ' and bridge (against)' : ''} vs upstream read directly`,
    );
    const compared = await compareSyncs(bridge, upstream.url, s.restRounds, log, against);
    if (against) {
      log(
        `peak RSS: bridge ${(memoryOf(bridge.pid).peakKb / 1024).toFixed(1)} MB, bridge (against) ${(memoryOf(against.pid).peakKb / 1024).toFixed(1)} MB`,
      );
    }
    const result = {
      bridgePeakRssMb: memoryOf(bridge.pid).peakKb / 1024,
      contacts: s.restContacts,
      pageSize: s.pageSize,
      upstreamPageSize: HELPDESK_PAGE_SIZE,
      upstreamRequests,
      violations: report.violationCount,
      ...compared,
    };
    for (const server of servers.splice(0)) await server.stop();
    return s.profile ? { ...result, profile: await restProfile(dataDir, s, upstream.url) } : result;
  } finally {
    for (const server of servers) await server.stop();
    await closeRestClients();
    await upstream.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A fresh REST bridge under V8's CPU profiler: a warm-up sync, then `restRounds` profiled. */
async function restProfile(
  dataDir: string,
  s: Settings,
  upstreamUrl: string,
): Promise<RestProfile> {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-profile-'));
  try {
    const bridge = await startBridge(dataDir, s, restManifest(dataDir, upstreamUrl), [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
    ]);
    let fromUs = 0;
    try {
      await syncThroughBridge(bridge.url);
      fromUs = Number(process.hrtime.bigint() / 1000n);
      for (let round = 0; round < s.restRounds; round++) await syncThroughBridge(bridge.url);
    } finally {
      await bridge.stop();
    }
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('the bridge wrote no CPU profile');
    const cpu = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    return { hotspots: hotspots(cpu, 16, fromUs), functions: topFunctions(cpu, 30, fromUs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `--only rest`: the REST connector's overhead alone, its section replaced in the results file
 * (printed only with `--against`, a comparison of two builds, or `--profile`).
 */
async function onlyRest(s: Settings): Promise<void> {
  const loadStart = loadavg()[0];
  const rest = await restOverhead(s);
  console.log('');
  for (const line of restLines(rest)) console.log(line);
  console.log(`  bridge: ${rest.bridgeRounds.map((v) => v.toFixed(2)).join(', ')}`);
  if (rest.against) {
    console.log(`  bridge (against): ${rest.against.rounds.map((v) => v.toFixed(2)).join(', ')}`);
    console.log(
      `  bridge ${rest.bridgeCpuUsPerContact.toFixed(2)} µs, bridge (against) ${rest.against.cpuUsPerContact.toFixed(2)} µs; bridge − bridge (against), median of the paired rounds: ${rest.against.pairedDeltaUs.toFixed(2)} µs`,
    );
  }
  if (rest.profile) {
    console.log("where the REST bridge's time goes (self time):");
    for (const h of rest.profile.hotspots)
      console.log(`  ${(h.share * 100).toFixed(1)} % ${h.where}`);
    console.log('the functions with the most self time:');
    for (const h of rest.profile.functions)
      console.log(`  ${(h.share * 100).toFixed(1)} % ${h.where}`);
  }
  console.log(
    `one-minute load average ${loadStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end; ${readerCommand(s)}`,
  );
  if (s.out && !s.against && !s.profile) {
    const current = existsSync(s.out) ? readFileSync(s.out, 'utf8') : '';
    const start = current.indexOf(REST_HEADING);
    if (start < 0) throw new Error(`${s.out} has no "${REST_HEADING}" section to replace`);
    const next = current.indexOf('\n## ', start + REST_HEADING.length);
    const note = `\n\nThis section alone was measured again by \`npm run bench -- ${process.argv.slice(2).join(' ')}\` on ${new Date().toISOString()} (one-minute load average ${loadavg()[0].toFixed(2)}); the rest of this file comes from the run described at the top.\n`;
    writeFileSync(
      s.out,
      current.slice(0, start) +
        restSection(rest).trimEnd() +
        note +
        (next < 0 ? '' : current.slice(next)),
    );
    log(`wrote the REST section of ${s.out}`);
  }
  if (rest.violations > 0)
    throw new Error(
      `the sync through the REST connector found ${rest.violations} contract violation(s)`,
    );
}

/** What tracing costs per contact of the SQL sync (on vs off); its section into the results file. */
async function measureTracing(dataDir: string, s: Settings): Promise<void> {
  log(
    `tracing cost: ${s.tracingRounds} round(s) of a sync of ${s.tracingContacts} contacts, off and on`,
  );
  const loadStart = loadavg()[0];
  const cost = await tracingCost(
    (env) => startBridge(dataDir, s, env),
    DEMO,
    s.tracingContacts,
    s.tracingRounds,
    log,
  );
  for (const line of tracingLines(cost)) console.log(line);
  if (s.out) {
    writeTracingSection(s.out, tracingSection(cost, readerCommand(s), loadStart));
    log(`wrote the tracing section of ${s.out}`);
  }
}

/** `--only tracing`: the cost of tracing alone. */
async function onlyTracing(s: Settings): Promise<void> {
  const { dataDir, temporary } = await prepareData(s);
  try {
    await measureTracing(dataDir, s);
  } finally {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `--only interactions`: interaction retrieval and the memory of the long runs, its own section. */
async function onlyInteractions(s: Settings): Promise<void> {
  const { dataDir, temporary } = await prepareData(s);
  try {
    const result = await interactionsAlone(
      () => startBridge(dataDir, s),
      {
        connections: s.connections,
        durationSec: s.durationSec,
        warmupSec: s.warmupSec,
        rounds: s.interactionRounds,
        longConnections: s.interactionConnections,
        longSec: s.interactionSec,
      },
      () => fullSync(dataDir, s),
      log,
    );
    const section = interactionsAloneSection(result, readerCommand(s));
    console.log(section);
    if (s.out) {
      writeSection(s.out, INTERACTIONS_HEADING, section);
      log(`wrote the interactions section of ${s.out}`);
    }
    if (result.sync && result.sync.violations > 0)
      throw new Error(`the simulated sync found ${result.sync.violations} contract violation(s)`);
  } finally {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * `--only headline`: the headline alone (and, with `--profile`, where the bridge's time goes),
 * printed; the results file is left as it is. For comparing two builds quickly: fewer seeded
 * contacts (`--contacts`), segments (`--segments`) or contacts a segment (`--segment-contacts`)
 * make it shorter; the headline's figures come from the normal settings.
 */
async function onlyHeadline(s: Settings): Promise<void> {
  const { dataDir, temporary } = await prepareData(s);
  const loadStart = loadavg()[0];
  try {
    const costs = await syncCosts(dataDir, s);
    const hotspotsFound = s.profile ? await profile(dataDir, s) : [];
    console.log('');
    for (const row of costs) {
      const measured = [row.bridge, row.limit, row.baseline, ...(row.against ? [row.against] : [])];
      const line = measured.map((c) => `${c.name} ${c.cpuUsPerContact.toFixed(2)} µs`).join(', ');
      console.log(
        `pages of ${row.pageSize}: ${line} (bridge peak RSS ${row.bridgePeakRssMb.toFixed(1)} MB)`,
      );
      for (const c of measured) {
        console.log(`  ${c.name}: ${c.segments.map((v) => v.toFixed(2)).join(', ')}`);
      }
      if (row.against) {
        // Segment k of both covers the same contacts at nearly the same moment: the paired difference.
        const against = row.against.segments;
        const paired = row.bridge.segments.map((v, i) => v - against[i]);
        console.log(
          `  bridge − bridge (against), median of the paired segments: ${median(paired).toFixed(2)} µs`,
        );
      }
    }
    for (const h of hotspotsFound) console.log(`  ${(h.share * 100).toFixed(1)} % ${h.where}`);
    console.log(
      `one-minute load average ${loadStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end; ${readerCommand(s)}`,
    );
  } finally {
    await closeSyncCostClient();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The command as a reader would run it: without --out and the file it names. */
function readerCommand(s: Settings): string {
  const args = process.argv.slice(2).filter((a, i, all) => a !== '--out' && all[i - 1] !== '--out');
  return `npm run ${s.smoke ? 'bench:smoke' : 'bench'} -- ${args.join(' ')}`.replace(/ -- $/, '');
}

async function main(): Promise<void> {
  const s = settings();
  if (!existsSync(join(ROOT, 'dist/main.js')))
    throw new Error('dist/ is missing: run npm run build');
  if (s.only === 'rest') return onlyRest(s);
  if (s.only === 'tracing') return onlyTracing(s);
  if (s.only === 'interactions') return onlyInteractions(s);
  if (s.only === 'headline') return onlyHeadline(s);
  if (s.against) throw new Error('--against goes with --only headline or --only rest');
  const { dataDir, temporary } = await prepareData(s);
  const loadStart = loadavg()[0];
  try {
    const costs = await syncCosts(dataDir, s);
    const [target] = TARGETS;
    const bridge = await startBridge(dataDir, s, target.env);
    const rows: EndpointRow[] = [];
    let serialization: SerializationResult;
    try {
      rows.push(...(await endpoints(bridge, target.name, s)));
      const page = await fetch(`${bridge.url}/contacts/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(SYNC_BODY),
      }).then((res) => res.json());
      serialization = compareSerializers(page, ROOT, s.smoke ? 20 : 300);
      log(
        `serializing one page: JSON.stringify ${serialization.jsonStringifyMs.toFixed(3)} ms, fast-json-stringify ${serialization.fastJsonStringifyMs.toFixed(3)} ms`,
      );
    } finally {
      await bridge.stop();
    }
    for (const other of TARGETS.slice(1)) {
      const server = await startBridge(dataDir, s, other.env);
      try {
        rows.push(...(await endpoints(server, other.name, s)));
      } finally {
        await server.stop();
      }
    }
    let profiled: Hotspot[] = [];
    if (!s.smoke) {
      log('CPU profile of the bridge under the contact sync load...');
      profiled = await profile(dataDir, s);
    }
    log(
      `interaction retrieval at ${s.interactionConnections} connections for ${s.interactionSec} s...`,
    );
    const interactions = await interactionsLoad(dataDir, s);
    log(`full contact sync of ${s.contacts}+ contacts through the simulator...`);
    const sync = await fullSync(dataDir, s);
    const rest = await restOverhead(s);
    const results: BenchResults = {
      date: new Date().toISOString(),
      command: `npm run ${s.smoke ? 'bench:smoke' : 'bench'}${
        process.argv.length > 2
          ? ` -- ${process.argv
              .slice(2)
              .filter((a) => a !== '--smoke')
              .join(' ')}`
          : ''
      }`.trim(),
      machine: machine(),
      settings: {
        connections: s.connections,
        durationSec: s.durationSec,
        pageSize: s.pageSize,
        costSegments: s.costSegments,
        segmentContacts: s.segmentContacts,
        contacts: s.contacts,
      },
      costs,
      interactions,
      endpoints: rows,
      sync,
      rest,
      hotspots: profiled,
      serialization,
      loadAverage: { start: loadStart, end: loadavg()[0] },
    };
    console.log('');
    for (const line of summaryLines(results)) console.log(line);
    if (s.out) {
      // The tracing section comes from its own run (--only tracing): kept as it is.
      const current = existsSync(s.out) ? readFileSync(s.out, 'utf8') : '';
      const tracingAt = current.indexOf(`\n${TRACING_HEADING}\n`);
      const tracing = tracingAt < 0 ? '' : `\n${current.slice(tracingAt + 1).trimEnd()}\n`;
      writeFileSync(s.out, resultsMarkdown(results).trimEnd() + '\n' + tracing);
      log(`wrote ${s.out}`);
    }
    await measureTracing(dataDir, s);
    if (sync.violations > 0)
      throw new Error(`the simulated sync found ${sync.violations} contract violation(s)`);
    if (rest.violations > 0)
      throw new Error(
        `the sync through the REST connector found ${rest.violations} contract violation(s)`,
      );
  } finally {
    await closeSyncCostClient();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`[bench] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
