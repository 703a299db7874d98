import { Agent, request } from 'undici';
import { HELPDESK_AUTH, UPSTREAM_MAX_PAGE } from '../helpdesk-upstream';
import { median } from './load';
import { cpuSecondsPreciseOf } from './processes';

/**
 * Upstream page size of the contacts export: connectors/helpdesk.yaml asks for 100 a page; the
 * bench asks for the upstream's largest page, as a user of a real help desk would set its
 * manifest (benchManifest).
 */
export const HELPDESK_PAGE_SIZE = UPSTREAM_MAX_PAGE;

/**
 * The text of connectors/helpdesk.yaml with the contacts export's `per_page` set to
 * HELPDESK_PAGE_SIZE; nothing else changes (a manifest of another shape is refused).
 */
export function benchManifest(helpdeskYaml: string): string {
  const exportQuery =
    /(\ncontacts:\n {2}request:\n {4}path: \/contacts\/export\n {4}query:\n {6}per_page: )\d+\n/;
  if (!exportQuery.test(helpdeskYaml)) {
    throw new Error(
      'connectors/helpdesk.yaml: no contacts.request.query.per_page where the bench expects it',
    );
  }
  return helpdeskYaml.replace(exportQuery, `$1${HELPDESK_PAGE_SIZE}\n`);
}

export interface SyncRun {
  contacts: number;
  /** Requests made: Talkdesk pages through the bridge, upstream pages directly. */
  pages: number;
  seconds: number;
  contactsPerSecond: number;
}

export interface RestOverheadResult {
  /** Contacts the upstream holds. */
  contacts: number;
  /** The bridge's Talkdesk page size (CONTACTS_PAGE_SIZE). */
  pageSize: number;
  upstreamPageSize: number;
  /** Upstream requests the bridge made for one full sync. */
  upstreamRequests: number;
  /** bridge contacts/s / direct contacts/s, median of the rounds. */
  ratio: number;
  ratios: number[];
  /** The round whose ratio is closest to the median. */
  bridge: SyncRun;
  direct: SyncRun;
  /** Contract violations the simulator found in a full sync through the bridge. */
  violations: number;
  /** The bridge's CPU time per contact of a full sync, µs (median of the rounds). */
  bridgeCpuUsPerContact: number;
  /** The direct reader's own CPU time per contact (fetching and parsing the pages), µs. */
  directCpuUsPerContact: number;
  /** The bridge's peak RSS (VmHWM) at the end, MB. */
  bridgePeakRssMb: number;
  /** The bridge's CPU µs per contact of each round. */
  bridgeRounds: number[];
  /** With `--against`: the other checkout's bridge, synced in the same rounds. */
  against?: { cpuUsPerContact: number; rounds: number[]; pairedDeltaUs: number };
}

/** A bridge to sync through: its URL and the pid whose CPU time is read. */
export interface RestBridge {
  url: string;
  pid: number;
}

// One keep-alive connection, as a sync is one request after another.
const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 60_000 });

async function getJson(
  url: string,
  init: { method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string> },
): Promise<Record<string, unknown>> {
  const res = await request(url, {
    method: init.method ?? 'GET',
    body: init.body,
    headers: init.headers,
    dispatcher,
  });
  if (res.statusCode !== 200) {
    throw new Error(`${url} answered ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`);
  }
  return (await res.body.json()) as Record<string, unknown>;
}

/** A full contact sync through the bridge, as Talkdesk drives it (next_offset and context handed back). */
export async function syncThroughBridge(bridgeUrl: string): Promise<SyncRun> {
  const started = performance.now();
  let contacts = 0;
  let pages = 0;
  let offset: unknown = null;
  let context: unknown = null;
  for (;;) {
    const body = await getJson(`${bridgeUrl}/contacts/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: HELPDESK_AUTH,
        meta: { synchronization_checkpoint: null, offset, context },
      }),
    });
    pages += 1;
    contacts += (body.contacts as unknown[]).length;
    if (body.next_offset === undefined || body.next_offset === null || body.next_offset === '')
      break;
    offset = body.next_offset;
    context = body.context ?? null;
  }
  const seconds = (performance.now() - started) / 1000;
  return { contacts, pages, seconds, contactsPerSecond: contacts / seconds };
}

/** The same contacts read straight from the upstream: the manifest's request, page size and cursors. */
export async function readUpstreamDirectly(upstreamOrigin: string): Promise<SyncRun> {
  const authorization = `Basic ${Buffer.from(
    `${HELPDESK_AUTH.email}/token:${HELPDESK_AUTH.api_token}`,
  ).toString('base64')}`;
  const base = `${upstreamOrigin}/${HELPDESK_AUTH.subdomain}/api/v2/contacts/export?per_page=${HELPDESK_PAGE_SIZE}`;
  const started = performance.now();
  let contacts = 0;
  let pages = 0;
  let cursor: string | null = null;
  for (;;) {
    const url: string = cursor
      ? `${base}&cursor=${encodeURIComponent(cursor)}`
      : `${base}&start_time=0`;
    const body = await getJson(url, { headers: { authorization } });
    pages += 1;
    contacts += (body.contacts as unknown[]).length;
    if (body.end_of_stream || !body.after_cursor) break;
    cursor = String(body.after_cursor);
  }
  const seconds = (performance.now() - started) / 1000;
  return { contacts, pages, seconds, contactsPerSecond: contacts / seconds };
}

/**
 * Alternating rounds of both (and of `against`, the bridge of another checkout, in the same
 * rounds); the ratio is bridge / direct in contacts/s.
 */
export async function compareSyncs(
  bridge: RestBridge,
  upstreamOrigin: string,
  rounds: number,
  log: (line: string) => void,
  against?: RestBridge,
): Promise<
  Pick<
    RestOverheadResult,
    | 'ratio'
    | 'ratios'
    | 'bridge'
    | 'direct'
    | 'bridgeCpuUsPerContact'
    | 'directCpuUsPerContact'
    | 'bridgeRounds'
    | 'against'
  >
> {
  // Warm-up of each (JIT, connections), not measured.
  await syncThroughBridge(bridge.url);
  if (against) await syncThroughBridge(against.url);
  await readUpstreamDirectly(upstreamOrigin);
  const ratios: number[] = [];
  const bridgeCpu: number[] = [];
  const againstCpu: number[] = [];
  const directCpu: number[] = [];
  const pairs: { bridge: SyncRun; direct: SyncRun }[] = [];
  const timed = async (target: RestBridge, into: number[]) => {
    const before = cpuSecondsPreciseOf(target.pid);
    const run = await syncThroughBridge(target.url);
    into.push(((cpuSecondsPreciseOf(target.pid) - before) * 1e6) / run.contacts);
    return run;
  };
  const directly = async () => {
    const before = process.cpuUsage();
    const run = await readUpstreamDirectly(upstreamOrigin);
    const used = process.cpuUsage(before);
    directCpu.push((used.user + used.system) / run.contacts);
    return run;
  };
  for (let round = 1; round <= rounds; round += 1) {
    // Alternate which goes first, so a drift of the machine does not favour one side.
    let run: SyncRun;
    let direct: SyncRun;
    if (round % 2) {
      run = await timed(bridge, bridgeCpu);
      if (against) await timed(against, againstCpu);
      direct = await directly();
    } else {
      direct = await directly();
      if (against) await timed(against, againstCpu);
      run = await timed(bridge, bridgeCpu);
    }
    if (run.contacts !== direct.contacts) {
      throw new Error(
        `the sync through the bridge sent ${run.contacts} contacts, the upstream holds ${direct.contacts}`,
      );
    }
    ratios.push(run.contactsPerSecond / direct.contactsPerSecond);
    pairs.push({ bridge: run, direct });
    const other = against ? `, against ${againstCpu.at(-1)?.toFixed(2)} µs` : '';
    log(
      `REST round ${round}: bridge ${run.contactsPerSecond.toFixed(0)} contacts/s (${bridgeCpu.at(-1)?.toFixed(2)} µs CPU a contact${other}), direct ${direct.contactsPerSecond.toFixed(0)} contacts/s (${directCpu.at(-1)?.toFixed(2)} µs), ratio ${ratios[ratios.length - 1].toFixed(3)}`,
    );
  }
  const ratio = median(ratios);
  const shown = ratios.reduce(
    (best, r, i) => (Math.abs(r - ratio) < Math.abs(ratios[best] - ratio) ? i : best),
    0,
  );
  return {
    ratio,
    ratios,
    ...pairs[shown],
    bridgeCpuUsPerContact: median(bridgeCpu),
    directCpuUsPerContact: median(directCpu),
    bridgeRounds: bridgeCpu,
    ...(against && {
      against: {
        cpuUsPerContact: median(againstCpu),
        rounds: againstCpu,
        // Both synced in the same round, moments apart: the paired difference cancels the drift.
        pairedDeltaUs: median(bridgeCpu.map((v, i) => v - againstCpu[i])),
      },
    }),
  };
}

export async function closeRestClients(): Promise<void> {
  await dispatcher.close();
}
