import { OpenApiContract } from './openapi-contract';

/** What a contract check is about; the report groups violations by it. */
export type CheckName =
  | 'network'
  | 'deadline'
  | 'status'
  | 'content-type'
  | 'json'
  | 'schema'
  | 'unique-id'
  | 'pagination'
  | 'checkpoint'
  | 'interaction-type'
  | 'agent-email';

export interface Problem {
  check: CheckName;
  message: string;
}

export interface Violation extends Problem {
  /** The simulation phase, e.g. "contacts (full)". */
  phase: string;
  /** The request, e.g. "POST /contacts/sync #3". */
  request: string;
}

/** One HTTP exchange as seen by Talkdesk: status, content type, raw body and time to the last byte. */
export interface Exchange {
  status: number;
  contentType?: string;
  text: string;
  elapsedMs: number;
}

export interface ExpectedResponse {
  /** Statuses the contract allows here. */
  statuses: number[];
  /** The spec operation whose response schemas apply. */
  operation: { path: string; method: string };
}

export interface CheckedResponse {
  /** The parsed body; undefined when there is none or it is not JSON. */
  body?: unknown;
  problems: Problem[];
  /** True when the status is allowed and the body is usable (it may still break other checks). */
  usable: boolean;
}

const isJson = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType.trim());

function snippet(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

/**
 * The checks every response goes through: allowed status, `application/json` on any body,
 * parseable JSON, no body on 204, and the spec's response schema for that status.
 */
export function checkResponse(
  exchange: Exchange,
  expected: ExpectedResponse,
  contract: OpenApiContract,
): CheckedResponse {
  const problems: Problem[] = [];
  const { status, text } = exchange;
  const statusAllowed = expected.statuses.includes(status);
  if (!statusAllowed) {
    problems.push({
      check: 'status',
      message: `status ${status}, expected ${expected.statuses.join(' or ')}${
        text ? `: ${snippet(text)}` : ''
      }`,
    });
  }
  if (status === 204) {
    if (text.length > 0) problems.push({ check: 'status', message: '204 with a body' });
    return { problems, usable: statusAllowed };
  }
  if (text.length === 0) {
    problems.push({ check: 'json', message: `status ${status} with an empty body` });
    return { problems, usable: false };
  }
  if (!isJson(exchange.contentType)) {
    problems.push({
      check: 'content-type',
      message: `Content-Type is ${exchange.contentType ?? '(none)'}, expected application/json`,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    problems.push({ check: 'json', message: `the body is not JSON: ${snippet(text)}` });
    return { problems, usable: false };
  }
  const { path, method } = expected.operation;
  for (const line of contract.validate(path, method, status, body)) {
    problems.push({ check: 'schema', message: line });
  }
  return { body, problems, usable: statusAllowed };
}

/** Ids seen within one run: the second time an id comes back is a violation. */
export class UniqueIds {
  private readonly seen = new Map<string, number>();

  /** Returns the page an id was first seen on, when it was. */
  add(id: string, page: number): number | undefined {
    const first = this.seen.get(id);
    if (first !== undefined) return first;
    this.seen.set(id, page);
    return undefined;
  }

  get size(): number {
    return this.seen.size;
  }
}

/**
 * Keeps a paginated run finite: a `next_offset` already followed means the bridge loops,
 * and a run past `maxPages` pages is taken as one that never ends.
 */
export class PaginationGuard {
  private readonly offsets = new Set<string>();

  constructor(private readonly maxPages: number) {}

  /** A problem when the run must stop before requesting the page after `page` with `offset`. */
  follow(offset: unknown, page: number): Problem | undefined {
    const key = JSON.stringify(offset);
    if (this.offsets.has(key)) {
      return {
        check: 'pagination',
        message: `next_offset ${key} on page ${page} was already followed in this run: the pagination loops`,
      };
    }
    if (page >= this.maxPages) {
      return {
        check: 'pagination',
        message: `still a next_offset after ${page} pages (the cap): the pagination does not end`,
      };
    }
    this.offsets.add(key);
    return undefined;
  }
}

/** An interaction of a type the request did not ask for. */
export function checkInteractionTypes(
  interactions: readonly { type?: unknown; id?: unknown }[],
  requested: readonly string[],
): Problem[] {
  return interactions
    .filter((i) => typeof i.type === 'string' && !requested.includes(i.type))
    .map((i) => ({
      check: 'interaction-type',
      message: `interaction ${JSON.stringify(i.id)} has type ${JSON.stringify(i.type)}, not one of the requested ${JSON.stringify(requested)}`,
    }));
}

/**
 * Violations of one run, counted in full but kept only up to `keepPerCheck` examples for
 * each phase and check, so that a bridge breaking every record of a million does not flood.
 */
export class ViolationLog {
  private readonly kept: Violation[] = [];
  private readonly counts = new Map<string, number>();
  private total = 0;

  constructor(private readonly keepPerCheck = 20) {}

  add(violation: Violation): void {
    this.total += 1;
    const key = `${violation.phase}\u0000${violation.check}`;
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count <= this.keepPerCheck) this.kept.push(violation);
  }

  get count(): number {
    return this.total;
  }

  countFor(phase: string): number {
    let sum = 0;
    for (const [key, count] of this.counts) if (key.startsWith(`${phase}\u0000`)) sum += count;
    return sum;
  }

  /** Kept examples, in the order they happened. */
  get examples(): readonly Violation[] {
    return this.kept;
  }

  /** Every (phase, check) with its full count. */
  summary(): { phase: string; check: CheckName; count: number }[] {
    return [...this.counts].map(([key, count]) => {
      const [phase, check] = key.split('\u0000');
      return { phase, check: check as CheckName, count };
    });
  }
}
