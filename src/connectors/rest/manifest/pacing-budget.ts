import { CompiledManifest } from './compiled';

/** Time a paced request needs besides its wait: the call itself and the answer to Talkdesk. */
export const PACING_ANSWER_RESERVE_MS = 1000;

interface Pacing {
  requests: number;
  intervalMs: number;
}

const isPacing = (value: unknown): value is Pacing =>
  !!value &&
  typeof value === 'object' &&
  typeof (value as Pacing).requests === 'number' &&
  typeof (value as Pacing).intervalMs === 'number';

/**
 * The longest interval of any pacing the manifest declares (its own or a request's): a request
 * may wait that long for its window, so a request budget shorter than it answers some requests
 * `503` instead of waiting.
 */
export function longestPacingInterval(manifest: CompiledManifest): number {
  let longest = 0;
  const seen = new WeakSet<object>();
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    const pacing = (value as { pacing?: unknown }).pacing;
    if (isPacing(pacing)) longest = Math.max(longest, pacing.intervalMs);
    for (const child of Array.isArray(value) ? value : Object.values(value)) visit(child);
  };
  visit(manifest);
  return longest;
}

/**
 * A warning when a paced request could wait longer than the request budget allows, naming the
 * budget that would let it wait; undefined when every pacing fits.
 */
export function pacingBudgetWarning(
  manifest: CompiledManifest,
  requestBudgetMs: number,
): string | undefined {
  const interval = longestPacingInterval(manifest);
  if (interval === 0 || interval + PACING_ANSWER_RESERVE_MS <= requestBudgetMs) return undefined;
  const needed = interval + PACING_ANSWER_RESERVE_MS;
  return (
    `The manifest paces some requests at one window every ${interval} ms, longer than what ` +
    `REQUEST_BUDGET_MS=${requestBudgetMs} leaves to wait: such a request is answered 503 with ` +
    `Retry-After instead of waiting. Set REQUEST_BUDGET_MS=${needed} or more (it must stay under Talkdesk's 10 s).`
  );
}
