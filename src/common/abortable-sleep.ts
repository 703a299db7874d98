/**
 * Waits `ms`, or rejects with the signal's own reason as soon as it aborts, so that a wait for a
 * retry or a pacing window never outlives the request it serves (node's timers/promises would
 * reject with a generic AbortError instead of the deadline's error).
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
