import { Agent, request } from 'undici';
import { median } from './load';
import { cpuSecondsPreciseOf } from './processes';

/**
 * CPU time per contact of a full contact sync, as Talkdesk drives it (one request after another,
 * following next_offset and context), measured on the serving process (/proc: user + system,
 * every thread: garbage collection and compilation included). Several servers sync the same
 * contacts in the same run, segment by segment in alternation: segment k of every server covers
 * the same contacts, so each segment is one paired round, and a drift of the machine's load
 * touches all of them alike. The figure is the median of the segments.
 */

export interface SyncTarget {
  name: string;
  url: string;
  pid: number;
  /** The request body's `auth`. */
  auth: Record<string, unknown>;
}

export interface SyncCost {
  name: string;
  /** Median over the segments of CPU µs per contact. */
  cpuUsPerContact: number;
  segments: number[];
  contacts: number;
  pages: number;
}

const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 60_000 });

interface Cursor {
  offset: unknown;
  context: unknown;
  done: boolean;
}

async function page(
  target: SyncTarget,
  cursor: Cursor,
): Promise<{ contacts: number; cursor: Cursor }> {
  const res = await request(`${target.url}/contacts/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: target.auth,
      meta: { synchronization_checkpoint: null, offset: cursor.offset, context: cursor.context },
    }),
    dispatcher,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) {
    throw new Error(`${target.name} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  }
  const body = JSON.parse(text) as {
    contacts: unknown[];
    next_offset?: unknown;
    context?: unknown;
  };
  const more = body.next_offset !== undefined && body.next_offset !== null;
  return {
    contacts: body.contacts.length,
    cursor: { offset: body.next_offset ?? null, context: body.context ?? null, done: !more },
  };
}

/**
 * Full syncs of `segments` × `segmentPages` pages through every target, alternating by segment
 * (the order turns each segment). A target whose sync ends early stops there.
 */
export async function compareSyncCosts(
  targets: SyncTarget[],
  segments: number,
  segmentPages: number,
  log: (line: string) => void,
): Promise<SyncCost[]> {
  // One segment more than measured: the first warms every server up (JIT, caches) and is dropped.
  segments += 1;
  const state = targets.map(() => ({
    cursor: { offset: null, context: null, done: false } as Cursor,
    perContact: [] as number[],
    contacts: 0,
    pages: 0,
  }));
  for (let segment = 0; segment < segments; segment++) {
    const order = targets.map((_, i) => (i + segment) % targets.length);
    for (const i of order) {
      const target = targets[i];
      const s = state[i];
      if (s.cursor.done) continue;
      const cpuBefore = cpuSecondsPreciseOf(target.pid);
      let contacts = 0;
      for (let p = 0; p < segmentPages && !s.cursor.done; p++) {
        const answer = await page(target, s.cursor);
        contacts += answer.contacts;
        s.cursor = answer.cursor;
        s.pages++;
      }
      const cpu = cpuSecondsPreciseOf(target.pid) - cpuBefore;
      s.contacts += contacts;
      if (contacts > 0) s.perContact.push((cpu * 1e6) / contacts);
    }
    log(
      `sync cost, segment ${segment + 1}/${segments}: ${targets
        .map((t, i) => `${t.name} ${state[i].perContact.at(-1)?.toFixed(2) ?? '-'} µs`)
        .join(', ')}`,
    );
  }
  return targets.map((t, i) => ({
    name: t.name,
    cpuUsPerContact: median(state[i].perContact.slice(1)),
    segments: state[i].perContact.slice(1),
    contacts: state[i].contacts,
    pages: state[i].pages,
  }));
}

export async function closeSyncCostClient(): Promise<void> {
  await dispatcher.close();
}
