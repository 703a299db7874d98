import { Logger } from '@nestjs/common';
import { TimeBudget } from '../../common/time-budget';
import {
  ActionRejectedError,
  RetryableUpstreamError,
  UpstreamError,
  UpstreamUnavailableError,
} from '../ports/errors';
import type { UpstreamOutcome } from '../ports/upstream-observer';
import type { AccountRef } from '../ports';
import { breakerKeyOf, UpstreamGuard, UpstreamGuardOptions } from './upstream-guard';

const guard = (options: Partial<UpstreamGuardOptions> = {}) =>
  new UpstreamGuard({
    retries: 3,
    baseDelayMs: 5,
    maxDelayMs: 20,
    breakerThreshold: 0,
    breakerCooldownMs: 1000,
    ...options,
  });

/** A call that fails `failures` times with `error`, then answers 'ok'. */
function flaky(failures: number, error: () => Error = () => new RetryableUpstreamError('busy')) {
  const fn = jest.fn(async () => {
    if (fn.mock.calls.length <= failures) throw error();
    return 'ok';
  });
  return fn;
}

describe('UpstreamGuard', () => {
  beforeAll(() => Logger.overrideLogger(false));
  const budget = () => new TimeBudget(5000);

  it('retries retryable failures and returns the eventual success', async () => {
    const fn = flaky(2);
    await expect(guard().call('op', fn, { signal: budget().signal })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('gives up after the configured retries with an UpstreamError', async () => {
    const fn = flaky(10);
    const error = await guard({ retries: 2 })
      .call('op', fn, { signal: budget().signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/gave up after 3 attempts/);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('gives up with the code of the last failure', async () => {
    const limited = flaky(
      10,
      () => new RetryableUpstreamError('HTTP 429', 1, 'upstream_rate_limited'),
    );
    const error = await guard({ retries: 1 })
      .call('op', limited, { signal: budget().signal })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(RetryableUpstreamError);
    expect((error as UpstreamError).code).toBe('upstream_rate_limited');
  });

  it('asks again after a 429 without Retry-After beyond `retries`, while the budget lasts', async () => {
    const limited = flaky(
      5,
      () => new RetryableUpstreamError('HTTP 429', undefined, 'upstream_rate_limited'),
    );
    await expect(
      guard({ retries: 2 }).call('op', limited, { signal: budget().signal }),
    ).resolves.toBe('ok');
    expect(limited).toHaveBeenCalledTimes(6);
    // Other failures stop at `retries`.
    const busy = flaky(5);
    await expect(
      guard({ retries: 2 }).call('op', busy, { signal: budget().signal }),
    ).rejects.toThrow(/gave up after 3 attempts/);
  });

  it('does not retry errors that are not retryable', async () => {
    const fn = flaky(1, () => new UpstreamError('broken'));
    await expect(guard().call('op', fn, { signal: budget().signal })).rejects.toThrow('broken');
    const rejected = flaky(1, () => new ActionRejectedError('no'));
    await expect(guard().call('op', rejected, { signal: budget().signal })).rejects.toBeInstanceOf(
      ActionRejectedError,
    );
    expect(fn).toHaveBeenCalledTimes(1);
    expect(rejected).toHaveBeenCalledTimes(1);
  });

  it('backs off exponentially with full jitter, capped', async () => {
    const sleeps: number[] = [];
    const spy = jest.spyOn(global, 'setTimeout');
    const g = guard({ retries: 4, baseDelayMs: 8, maxDelayMs: 20, random: () => 0.5 });
    await g.call('op', flaky(4), { signal: budget().signal });
    for (const call of spy.mock.calls) {
      if (typeof call[1] === 'number' && call[1] < 100) sleeps.push(call[1]);
    }
    spy.mockRestore();
    // 0.5 of min(20, 8 * 2^attempt): 4, 8, 10, 10
    expect(sleeps).toEqual([4, 8, 10, 10]);
  });

  it('waits at least what Retry-After asks', async () => {
    const fn = flaky(1, () => new RetryableUpstreamError('slow down', 150));
    const started = Date.now();
    await guard().call('op', fn, { signal: budget().signal });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('does not retry when Retry-After is past the deadline: 503-style error at once', async () => {
    const fn = flaky(1, () => new RetryableUpstreamError('slow down', 60_000));
    const started = Date.now();
    const error = await guard()
      .call('op', fn, { signal: new TimeBudget(2000).signal })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).retryAfterMs).toBe(60_000);
    expect((error as Error).message).toMatch(/retry in 60 s, past this request's deadline/);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('answers a timeout at the deadline when the call ignores its signal', async () => {
    const never = jest.fn(() => new Promise<string>(() => undefined));
    const error = await guard()
      .call('op', never, { signal: new TimeBudget(100).signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).timeout).toBe(true);
    expect((error as UpstreamError).code).toBe('deadline_exceeded');
  });

  it('maps adapter errors through classify', async () => {
    const fn = flaky(1, () => Object.assign(new Error('x'), { code: 'BUSY' }));
    const g = guard({
      classify: (e) =>
        (e as { code?: string }).code === 'BUSY' ? new RetryableUpstreamError('busy') : e,
    });
    await expect(g.call('op', fn, { signal: budget().signal })).resolves.toBe('ok');
  });

  describe('circuit breaker', () => {
    it('opens after consecutive failures, refuses fast with Retry-After, half-opens after the cool-down', async () => {
      const g = guard({ retries: 0, breakerThreshold: 3, breakerCooldownMs: 300 });
      const failing = jest.fn(async () => {
        throw new UpstreamError('down');
      });
      for (let i = 0; i < 3; i++) {
        await expect(g.call('op', failing, { signal: budget().signal })).rejects.toThrow('down');
      }
      expect(g.state).toBe('open');
      const refused = await g
        .call('op', failing, { signal: budget().signal })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(UpstreamUnavailableError);
      expect((refused as UpstreamUnavailableError).retryAfterMs).toBeGreaterThanOrEqual(1000);
      expect(failing).toHaveBeenCalledTimes(3);

      await new Promise((r) => setTimeout(r, 350));
      const healthy = jest.fn(async () => 'back');
      await expect(g.call('op', healthy, { signal: budget().signal })).resolves.toBe('back');
      expect(healthy).toHaveBeenCalledTimes(1);
      expect(g.state).toBe('closed');
    });

    it('re-opens when the half-open trial call fails', async () => {
      const g = guard({ retries: 0, breakerThreshold: 1, breakerCooldownMs: 100 });
      const failing = jest.fn(async () => {
        throw new UpstreamError('down');
      });
      await expect(g.call('op', failing, { signal: budget().signal })).rejects.toThrow('down');
      await new Promise((r) => setTimeout(r, 150));
      await expect(g.call('op', failing, { signal: budget().signal })).rejects.toThrow('down');
      expect(g.state).toBe('open');
      await expect(g.call('op', failing, { signal: budget().signal })).rejects.toBeInstanceOf(
        UpstreamUnavailableError,
      );
      expect(failing).toHaveBeenCalledTimes(2);
    });

    it('never counts rate limits (429) as failures', async () => {
      const g = guard({ retries: 0, breakerThreshold: 2, breakerCooldownMs: 1000 });
      const limited = jest.fn(async () => {
        throw new UpstreamError('HTTP 429', false, 'upstream_rate_limited');
      });
      for (let i = 0; i < 5; i++) {
        await expect(g.call('op', limited, { signal: budget().signal })).rejects.toThrow('429');
      }
      expect(g.state).toBe('closed');
      expect(limited).toHaveBeenCalledTimes(5);
    });

    it('keeps one breaker per account: a failing account does not pause the others', async () => {
      const g = guard({ retries: 0, breakerThreshold: 2, breakerCooldownMs: 60_000 });
      const port = {
        list: jest.fn(async (account: { key: string }, _options: { signal: AbortSignal }) => {
          if (account.key === 'a') throw new UpstreamError('down for a');
          return `ok ${account.key}`;
        }),
      };
      const guarded = g.protect(port, 'contacts');
      for (let i = 0; i < 2; i++) {
        await expect(guarded.list({ key: 'a' }, { signal: budget().signal })).rejects.toThrow(
          'down for a',
        );
      }
      await expect(guarded.list({ key: 'a' }, { signal: budget().signal })).rejects.toBeInstanceOf(
        UpstreamUnavailableError,
      );
      expect(g.state).toBe('open');
      await expect(guarded.list({ key: 'b' }, { signal: budget().signal })).resolves.toBe('ok b');
      expect(port.list).toHaveBeenCalledTimes(3);
    });

    it('keys breakers by upstream and account: one failing upstream of an account pauses only it', async () => {
      const g = guard({ retries: 0, breakerThreshold: 2, breakerCooldownMs: 60_000 });
      const down = 'https://login.example.com';
      const port = {
        list: jest.fn(async (account: AccountRef, _options: { signal: AbortSignal }) => {
          if (account.upstream === down) throw new UpstreamError('login server down');
          return `ok ${account.key} at ${account.upstream}`;
        }),
      };
      const guarded = g.protect(port, 'contacts');
      const call = (account: AccountRef) => guarded.list(account, { signal: budget().signal });
      const a = { key: 'a', upstream: down };
      for (let i = 0; i < 2; i++) await expect(call(a)).rejects.toThrow('login server down');
      await expect(call(a)).rejects.toBeInstanceOf(UpstreamUnavailableError);
      // The same account at its other upstream, and another account at another upstream.
      await expect(call({ key: 'a', upstream: 'https://acme.example.com' })).resolves.toBe(
        'ok a at https://acme.example.com',
      );
      await expect(call({ key: 'b', upstream: 'https://b.example.com' })).resolves.toBe(
        'ok b at https://b.example.com',
      );
      expect(port.list).toHaveBeenCalledTimes(4);
    });

    it('breaker keys name the upstream and a hash of the account key, never the key', () => {
      const key = breakerKeyOf([{ key: 'rest:zendesk:secret-ish' }, { signal: budget().signal }]);
      expect(key).toMatch(/^ [0-9a-f]{32}$/);
      expect(breakerKeyOf([{ key: 'k', upstream: 'https://x.example' }])).toMatch(
        /^https:\/\/x\.example [0-9a-f]{32}$/,
      );
      expect(breakerKeyOf([{ key: 'k', upstream: 'https://x.example' }])).not.toBe(
        breakerKeyOf([{ key: 'k', upstream: 'https://y.example' }]),
      );
      expect(breakerKeyOf(['text', 3])).toBeUndefined();
    });

    it('does not count the caller’s own errors as upstream failures', async () => {
      const g = guard({ retries: 0, breakerThreshold: 2, breakerCooldownMs: 1000 });
      const rejected = jest.fn(async () => {
        throw new ActionRejectedError('bad input');
      });
      for (let i = 0; i < 5; i++) {
        await expect(g.call('op', rejected, { signal: budget().signal })).rejects.toBeInstanceOf(
          ActionRejectedError,
        );
      }
      expect(g.state).toBe('closed');
    });
  });

  describe('observer', () => {
    /** Records what the guard reports. */
    function recorder() {
      const attempts: { operation: string; outcome: UpstreamOutcome; seconds: number }[] = [];
      const retries: string[] = [];
      return {
        attempts,
        retries,
        observer: {
          attempt: (operation: string, outcome: UpstreamOutcome, seconds: number) =>
            attempts.push({ operation, outcome, seconds }),
          retry: (operation: string) => retries.push(operation),
        },
      };
    }

    it('is told of every attempt with its outcome and duration, and of every retry', async () => {
      const r = recorder();
      const fn = flaky(2);
      await guard({ observer: r.observer }).call('contacts.list', fn, { signal: budget().signal });
      expect(r.attempts.map((a) => a.outcome)).toEqual(['error', 'error', 'success']);
      expect(r.attempts.every((a) => a.operation === 'contacts.list')).toBe(true);
      expect(r.attempts.every((a) => a.seconds >= 0 && a.seconds < 5)).toBe(true);
      expect(r.retries).toEqual(['contacts.list', 'contacts.list']);
    });

    it('tells the caller’s own errors (rejected) from failures, timeouts and a refusing breaker', async () => {
      const r = recorder();
      const g = guard({
        observer: r.observer,
        retries: 0,
        breakerThreshold: 1,
        breakerCooldownMs: 60_000,
      });
      const rejected = async () => {
        throw new ActionRejectedError('bad input');
      };
      await expect(g.call('a', rejected, { signal: budget().signal })).rejects.toThrow();
      const slow = new TimeBudget(100);
      const hanging = () => new Promise<string>(() => undefined);
      await expect(g.call('b', hanging, { signal: slow.signal })).rejects.toThrow(/in time/);
      await expect(
        g.call(
          'c',
          flaky(1, () => new UpstreamError('down')),
          { signal: budget().signal },
        ),
      ).rejects.toThrow();
      await expect(g.call('c', flaky(0), { signal: budget().signal })).rejects.toBeInstanceOf(
        UpstreamUnavailableError,
      );
      expect(r.attempts.map((a) => [a.operation, a.outcome])).toEqual([
        ['a', 'rejected'],
        ['b', 'timeout'],
        ['c', 'short_circuited'],
        ['c', 'short_circuited'],
      ]);
      expect(r.retries).toEqual([]);
    });

    it('tells an external system asking to slow down (HTTP 429) from other failures', async () => {
      const r = recorder();
      const g = guard({ observer: r.observer, retries: 1 });
      const limited = flaky(
        1,
        () => new RetryableUpstreamError('HTTP 429', undefined, 'upstream_rate_limited'),
      );
      await g.call('contacts.list', limited, { signal: budget().signal });
      const refused = flaky(1, () => new UpstreamError('HTTP 429', false, 'upstream_rate_limited'));
      await expect(g.call('actions.run', refused, { signal: budget().signal })).rejects.toThrow();
      expect(r.attempts.map((a) => [a.operation, a.outcome])).toEqual([
        ['contacts.list', 'rate_limited'],
        ['contacts.list', 'success'],
        ['actions.run', 'rate_limited'],
      ]);
    });
  });

  it('protect() routes port methods that take CallOptions through the guard', async () => {
    class Port {
      readonly kind = 'fake';
      calls = 0;
      async list(_n: number, _options: { signal: AbortSignal }) {
        this.calls++;
        if (this.calls < 2) throw new RetryableUpstreamError('busy');
        return this.kind;
      }
    }
    const port = new Port();
    const protectedPort = guard().protect(port, 'fake');
    expect(protectedPort.kind).toBe('fake');
    expect(protectedPort).toBeInstanceOf(Port);
    await expect(protectedPort.list(1, { signal: budget().signal })).resolves.toBe('fake');
    expect(port.calls).toBe(2);
  });
});
