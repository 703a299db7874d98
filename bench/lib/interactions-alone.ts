import { loadavg } from 'node:os';
import { LoadResult, measure, median } from './load';
import { memoryOf, ServerProcess } from './processes';
import { INTERACTIONS_TARGET_MS, machine, RSS_TARGET_MB, SyncResult } from './results';

export const INTERACTIONS_HEADING = '## Interaction retrieval and memory, measured alone';

export const INTERACTIONS_BODY = {
  auth: { username: 'demo@example.com', password: 'demo' },
  meta: { interaction_types: ['ticket', 'note', 'call'] },
  data: { contact_external_id: '1' },
};

export interface InteractionsAlone {
  /** Rounds at the endpoint table's connections, one bridge, each after its own warm-up. */
  rounds: LoadResult[];
  connections: number;
  durationSec: number;
  /** The long run at many connections on a fresh bridge. */
  long: LoadResult;
  longConnections: number;
  longSec: number;
  longPeakRssMb: number;
  /** The simulated full sync (its peak RSS), when measured. */
  sync?: SyncResult;
  loadStart: number;
  loadEnd: number;
}

interface Plan {
  connections: number;
  durationSec: number;
  warmupSec: number;
  rounds: number;
  longConnections: number;
  longSec: number;
}

const ok = (name: string, result: LoadResult) => {
  if (result.non2xx + result.errors > 0) {
    throw new Error(`${name}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  }
  return result;
};

/**
 * `--only interactions`: CPU per interaction retrieval as the endpoint table measures it, in
 * several rounds (the median is the figure), the long run at many connections with its peak RSS,
 * and the simulated full sync's peak RSS: the figures of the interaction and memory targets
 * without the hour of a full run.
 */
export async function interactionsAlone(
  start: () => Promise<ServerProcess>,
  plan: Plan,
  fullSync: () => Promise<SyncResult>,
  log: (line: string) => void,
): Promise<InteractionsAlone> {
  const loadStart = loadavg()[0];
  const rounds: LoadResult[] = [];
  let bridge = await start();
  try {
    for (let i = 0; i < plan.rounds; i++) {
      const spec = {
        url: `${bridge.url}/interactions/retrieve`,
        body: INTERACTIONS_BODY,
        connections: plan.connections,
        durationSec: plan.durationSec,
        warmupSec: plan.warmupSec,
        pid: bridge.pid,
      };
      const result = ok('interactions', await measure(spec));
      log(`interactions round ${i + 1}: ${result.cpuMsPerRequest?.toFixed(3)} ms CPU per request`);
      rounds.push(result);
    }
  } finally {
    await bridge.stop();
  }
  bridge = await start();
  let long: LoadResult;
  let longPeakRssMb: number;
  try {
    long = ok(
      'interactions (long)',
      await measure({
        url: `${bridge.url}/interactions/retrieve`,
        body: INTERACTIONS_BODY,
        connections: plan.longConnections,
        durationSec: plan.longSec,
        warmupSec: plan.warmupSec,
        pid: bridge.pid,
      }),
    );
    longPeakRssMb = memoryOf(bridge.pid).peakKb / 1024;
  } finally {
    await bridge.stop();
  }
  log(
    `interactions at ${plan.longConnections} connections: peak RSS ${longPeakRssMb.toFixed(1)} MB`,
  );
  const sync = await fullSync();
  return {
    rounds,
    connections: plan.connections,
    durationSec: plan.durationSec,
    long,
    longConnections: plan.longConnections,
    longSec: plan.longSec,
    longPeakRssMb,
    sync,
    loadStart,
    loadEnd: loadavg()[0],
  };
}

const f = (value: number | undefined, digits: number) =>
  value === undefined ? '?' : value.toFixed(digits);

export function interactionsAloneSection(r: InteractionsAlone, command: string): string {
  const cpu = median(r.rounds.map((x) => x.cpuMsPerRequest ?? NaN));
  const peaks = [r.longPeakRssMb, ...(r.sync ? [r.sync.peakRssMb] : [])];
  const peak = Math.max(...peaks);
  const verdict = (met: boolean, by: string) => (met ? 'met' : `NOT met, by ${by}`);
  const m = machine();
  return `${INTERACTIONS_HEADING}

\`POST /interactions/retrieve\` (the demo contact 1, tickets, notes and calls) on one bridge,
${r.rounds.length} round(s) of ${r.connections} connections for ${r.durationSec} s, each after a warm-up, as the endpoint
table measures it: CPU ms per request ${r.rounds.map((x) => f(x.cpuMsPerRequest, 3)).join(', ')}; median
**${cpu.toFixed(3)} ms** (target ≤ ${INTERACTIONS_TARGET_MS} ms: ${verdict(cpu <= INTERACTIONS_TARGET_MS, `${(cpu - INTERACTIONS_TARGET_MS).toFixed(2)} ms`)}), ${r.rounds.map((x) => x.requestsPerSecond.toFixed(0)).join(' / ')} req/s.

${r.longConnections} connections for ${r.longSec} s on a fresh bridge: ${f(r.long.cpuMsPerRequest, 3)} ms CPU per request,
${r.long.requestsPerSecond.toFixed(0)} req/s, p99 ${r.long.p99Ms} ms, **peak RSS ${r.longPeakRssMb.toFixed(1)} MB**.
${
  r.sync
    ? `
The simulated full sync of ${r.sync.contacts.toLocaleString('en-US')} contacts on a fresh bridge: ${r.sync.seconds.toFixed(1)} s, RSS idle
${r.sync.idleRssMb.toFixed(1)} MB, at 25 / 50 / 75 / 100 % ${r.sync.rssQuartersMb.map((mb) => (mb === undefined ? '?' : mb.toFixed(0))).join(' / ')} MB,
**peak RSS ${r.sync.peakRssMb.toFixed(1)} MB**, ${r.sync.violations} contract violation(s).
`
    : ''
}
Peak RSS of these runs: ${peak.toFixed(1)} MB (target < ${RSS_TARGET_MB} MB: ${verdict(peak < RSS_TARGET_MB, `${(peak - RSS_TARGET_MB).toFixed(1)} MB`)}).
Measured by \`${command}\` on ${new Date().toISOString()} at commit ${m.commit}, Node ${m.node}, the
bridge serving the demo through its SQL manifest as in the endpoint table (one-minute load average
${r.loadStart.toFixed(2)} at the start, ${r.loadEnd.toFixed(2)} at the end); the sections above
come from the run described at the top.
`;
}
