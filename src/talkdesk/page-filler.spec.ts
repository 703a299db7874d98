import { OUT_OF_TIME, PageFiller } from './page-filler';
import { TimeBudget } from '../common/time-budget';

const never = (signal: AbortSignal) =>
  new Promise<string>((_resolve, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason as Error)),
  );

describe('PageFiller', () => {
  it('runs the first batch under the whole budget and hands back its result', async () => {
    const filler = new PageFiller(new TimeBudget(1000));
    await expect(filler.batch(false, () => Promise.resolve('batch'))).resolves.toBe('batch');
  });

  it('abandons a further batch that would end within the reserve: OUT_OF_TIME, no error', async () => {
    // A 500 ms budget keeps a 100 ms reserve: the batch is cut at about 400 ms.
    const filler = new PageFiller(new TimeBudget(500));
    await expect(filler.batch(true, never)).resolves.toBe(OUT_OF_TIME);
  });

  it('does not start a further batch once only the reserve is left', async () => {
    const filler = new PageFiller(new TimeBudget(500, performance.now() - 450));
    const call = jest.fn(() => Promise.resolve('batch'));
    await expect(filler.batch(true, call)).resolves.toBe(OUT_OF_TIME);
    expect(call).not.toHaveBeenCalled();
  });

  it('lets a first batch fail with its own error when the page has nothing to answer with', async () => {
    const filler = new PageFiller(new TimeBudget(1000));
    await expect(filler.batch(false, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
  });
});
