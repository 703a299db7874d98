import { loadConfig } from '../config/app-config';
import { KeyValueStore, KeyValueStores, StoreUnavailableError } from '../store/key-value-store';
import { MemoryKeyValueStores } from '../store/memory-key-value.store';
import { TimeBudget } from '../common/time-budget';
import { IdempotencyService, RecordedResponse } from './idempotency.service';

/**
 * A store that does what it is asked but, `failures[op]` times, answers as a Redis that timed
 * out: StoreUnavailableError, though the command ran (`applied`) or not.
 */
class UnansweringStore extends KeyValueStore {
  readonly failures: Partial<Record<'setIfAbsent' | 'deleteIfEquals' | 'replaceIfEquals', number>> =
    {};

  constructor(
    readonly inner: KeyValueStore,
    private readonly applied = true,
  ) {
    super();
  }

  private async maybe<T>(op: keyof UnansweringStore['failures'], run: () => Promise<T>) {
    if ((this.failures[op] ?? 0) > 0) {
      this.failures[op]! -= 1;
      if (this.applied) await run();
      throw new StoreUnavailableError('Redis did not answer: Command timed out');
    }
    return run();
  }

  get(key: string) {
    return this.inner.get(key);
  }
  set(key: string, value: string, ttlMs: number) {
    return this.inner.set(key, value, ttlMs);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  setIfAbsent(key: string, value: string, ttlMs: number) {
    return this.maybe('setIfAbsent', () => this.inner.setIfAbsent(key, value, ttlMs));
  }
  replaceIfEquals(key: string, expected: string, value: string, ttlMs: number) {
    return this.maybe('replaceIfEquals', () =>
      this.inner.replaceIfEquals(key, expected, value, ttlMs),
    );
  }
  deleteIfEquals(key: string, expected: string) {
    return this.maybe('deleteIfEquals', () => this.inner.deleteIfEquals(key, expected));
  }
  increment(key: string, ttlMs: number) {
    return this.inner.increment(key, ttlMs);
  }
}

function setup(applied = true) {
  const inner = new MemoryKeyValueStores().open('idempotency', { maxEntries: 100 });
  const store = new UnansweringStore(inner, applied);
  const stores: KeyValueStores = { shared: true, open: () => store };
  return { store, service: new IdempotencyService(stores, loadConfig({})) };
}

const scope = { accountKey: 'sql:1', action: 'create_ticket', idempotencyKey: 'k-1', payload: {} };
const budget = () => new TimeBudget(2000);
const ok = (): Promise<RecordedResponse> => Promise.resolve({ status: 201, body: { id: 1 } });
const eventually = async (condition: () => Promise<boolean>) => {
  for (let i = 0; i < 100 && !(await condition()); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
};
describe('IdempotencyService: claims whose outcome the store did not confirm', () => {
  it('a claim that timed out yet was made is released: the retry runs the action', async () => {
    const { store, service } = setup(true);
    store.failures.setIfAbsent = 1;
    const work = jest.fn(ok);

    await expect(service.run(scope, budget(), work)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(work).not.toHaveBeenCalled();

    const retry = await service.run(scope, budget(), work);
    expect(retry.replayed).toBe(false);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('a release that did not answer at first is retried until it does', async () => {
    const { store, service } = setup(false);
    store.failures.deleteIfEquals = 3;
    const failing = () => Promise.reject(new Error('the external system failed'));

    await expect(service.run(scope, budget(), failing)).rejects.toThrow('failed');

    expect(await eventually(async () => (store.failures.deleteIfEquals ?? 0) === 0)).toBe(true);
    const work = jest.fn(ok);
    expect((await service.run(scope, budget(), work)).replayed).toBe(false);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('a result that could not be recorded at first is recorded once the store answers: duplicates replay it', async () => {
    const { store, service } = setup(false);
    store.failures.replaceIfEquals = 2;
    const work = jest.fn(ok);

    expect((await service.run(scope, budget(), work)).replayed).toBe(false);
    expect(await eventually(async () => (store.failures.replaceIfEquals ?? 0) === 0)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const repeat = await service.run(scope, budget(), work);
    expect(repeat).toEqual({ response: { status: 201, body: { id: 1 } }, replayed: true });
    expect(work).toHaveBeenCalledTimes(1);
  });
});
