import { Logger } from '@nestjs/common';
import { TimeBudget } from '../../common/time-budget';
import { RetryableUpstreamError, UpstreamError } from '../ports/errors';
import { TraceAttributes, TraceSpan, UpstreamTracer } from '../ports/upstream-tracer';
import { UpstreamGuard } from './upstream-guard';

interface Recorded {
  name: string;
  parent?: Recorded;
  attributes: TraceAttributes;
  failed?: unknown;
}

/** Records the spans the guard asks for, nested as the calls nest. */
class RecordingTracer extends UpstreamTracer {
  readonly spans: Recorded[] = [];
  private current?: Recorded;

  async span<T>(
    name: string,
    attributes: TraceAttributes,
    work: (span: TraceSpan) => Promise<T>,
  ): Promise<T> {
    const span: Recorded = { name, parent: this.current, attributes: { ...attributes } };
    this.spans.push(span);
    const outer = this.current;
    this.current = span;
    try {
      return await work({ setAttributes: (more) => Object.assign(span.attributes, more) });
    } catch (error) {
      span.failed = error;
      throw error;
    } finally {
      this.current = outer;
    }
  }

  statement(): void {}
}

const guard = (tracer: UpstreamTracer, retries = 3) =>
  new UpstreamGuard({
    retries,
    baseDelayMs: 5,
    maxDelayMs: 20,
    breakerThreshold: 0,
    breakerCooldownMs: 1000,
    random: () => 0.5,
    tracer,
  });

describe('UpstreamGuard with a tracer', () => {
  beforeAll(() => Logger.overrideLogger(false));
  const signal = () => new TimeBudget(5000).signal;

  it('makes the call a span and each attempt its child, a retry numbered with its backoff', async () => {
    const tracer = new RecordingTracer();
    let calls = 0;
    const fn = async () => {
      if (++calls === 1) throw new RetryableUpstreamError('busy');
      return 'ok';
    };
    await expect(
      guard(tracer).call('contacts.listContacts', fn, { signal: signal() }),
    ).resolves.toBe('ok');
    const [call, first, second] = tracer.spans;
    expect(tracer.spans).toHaveLength(3);
    expect(call).toMatchObject({
      name: 'upstream contacts.listContacts',
      parent: undefined,
      attributes: {
        'bridge.upstream.operation': 'contacts.listContacts',
        'bridge.upstream.attempts': 2,
      },
    });
    expect(first.parent).toBe(call);
    expect(first.attributes).toEqual({
      'bridge.upstream.operation': 'contacts.listContacts',
      'bridge.upstream.attempt': 1,
      'bridge.upstream.outcome': 'error',
    });
    expect(first.failed).toBeInstanceOf(RetryableUpstreamError);
    expect(second.parent).toBe(call);
    // Full jitter pinned at 0.5 of the first ceiling (5 ms).
    expect(second.attributes).toEqual({
      'bridge.upstream.operation': 'contacts.listContacts',
      'bridge.upstream.attempt': 2,
      'bridge.upstream.retry_delay_ms': 3,
      'bridge.upstream.outcome': 'success',
    });
  });

  it('records the failure of a call that gives up on the call span', async () => {
    const tracer = new RecordingTracer();
    const fn = async () => {
      throw new RetryableUpstreamError('busy');
    };
    await expect(guard(tracer, 1).call('op', fn, { signal: signal() })).rejects.toThrow(
      UpstreamError,
    );
    expect(tracer.spans.map((s) => s.name)).toEqual([
      'upstream op',
      'upstream attempt',
      'upstream attempt',
    ]);
    expect(tracer.spans[0].failed).toBeInstanceOf(UpstreamError);
    expect(tracer.spans[0].attributes['bridge.upstream.attempts']).toBe(2);
  });
});
