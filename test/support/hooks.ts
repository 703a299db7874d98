/** A value, or a function that gives it when the hook runs (e.g. from another hook's result). */
export type Lazy<T> = T | (() => T);

export const valueOf = <T extends object>(lazy: Lazy<T>): T =>
  typeof lazy === 'function' ? (lazy as () => T)() : lazy;

/**
 * A fixture of the enclosing describe block: `start` in a beforeAll, `stop` in an afterAll (when
 * it started). Answers a stand-in that reaches the fixture once started, so that tests and later
 * hooks use it like the fixture itself.
 */
export function useFixture<T extends object>(
  what: string,
  start: () => Promise<T>,
  stop: (fixture: T) => Promise<void>,
): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await start();
  });
  afterAll(async () => {
    if (current) await stop(current);
  });
  return new Proxy({} as T, {
    get(_target, property) {
      if (!current) throw new Error(`${what} is used before its beforeAll started it`);
      return Reflect.get(current, property);
    },
  });
}
