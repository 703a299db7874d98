/** Reads a V8 .cpuprofile (node --cpu-prof) into self time per package or bridge file. */

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** µs on the monotonic clock (CLOCK_MONOTONIC, the clock of process.hrtime in every process). */
  startTime: number;
  timeDeltas: number[];
}

export interface Hotspot {
  /** An npm package, a file of the bridge (dist/...), or a V8 category like (garbage collector). */
  where: string;
  /** Share of the busy (non-idle) samples. */
  share: number;
}

function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(.+)$/.exec(url);
  if (own) return `bridge: ${own[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  if (!url && functionName.startsWith('(')) return functionName;
  if (!url && functionName.startsWith('RegExp:')) return '(regular expressions)';
  return url ? 'other' : `(native: ${functionName || 'anonymous'})`;
}

/**
 * The `limit` biggest groups by self time, idle time left out, and the samples taken before
 * `fromUs` (the monotonic clock, as process.hrtime gives it: the start-up before the load).
 */
export function hotspots(profile: CpuProfile, limit = 12, fromUs = 0): Hotspot[] {
  return shares(profile, limit, fromUs, (frame) => groupOf(frame));
}

/** The `limit` keys with the most busy samples after `fromUs`, as shares of all busy samples. */
function shares(
  profile: CpuProfile,
  limit: number,
  fromUs: number,
  keyOf: (frame: CallFrame) => string,
): Hotspot[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs) continue;
    const node = byId.get(profile.samples[i]);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    busy += 1;
    const key = keyOf(node.callFrame);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([where, count]) => ({ where, share: busy ? count / busy : 0 }));
}

/**
 * The `limit` functions with the most self time (name, and file or package), idle time and the
 * samples before `fromUs` left out: the detail under the groups of `hotspots`.
 */
export function topFunctions(profile: CpuProfile, limit = 20, fromUs = 0): Hotspot[] {
  return shares(profile, limit, fromUs, (frame) => {
    const { functionName, url } = frame;
    const where = `${functionName || '(anonymous)'} ${groupOf(frame).replace(/^bridge: /, '')}`;
    return url || functionName.startsWith('(') ? where : `${where} (native)`;
  });
}
