import { approach, firstCut, WALK_SLICES } from './slice-plan';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 1);
const LO = Date.UTC(2010, 0, 1);
const END = Date.UTC(2026, 11, 2);
/** `n` update times, one an hour from day `from` on. */
const hours = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => T0 + from * DAY + i * 3_600_000);

describe('firstCut', () => {
  it('a page of the newest changes: the slice at the window’s end, read ahead', () => {
    // 30 hours from day 13 on: the 6 newest (85 % of 300 of 1,168) are on day 14.
    const sample = hours(13, 30).reverse();
    expect(firstCut(sample, 1168, LO, END, DAY, 300)).toEqual({ at: T0 + 14 * DAY, ahead: true });
  });

  it('a page in no order of update time: the slice before the first sampled days', () => {
    // Sampled one every 12 h over 15 days, in a shuffled order; 6 of 30 make 85 % of 300 of 1,168.
    const sorted = Array.from({ length: 30 }, (_, i) => T0 + i * 12 * 3_600_000);
    const sample = sorted.map((_, i) => sorted[(i * 7) % 30]);
    expect(firstCut(sample, 1168, LO, END, DAY, 300)).toEqual({
      at: T0 + 3 * DAY,
      ahead: false,
    });
  });

  it('a page of the oldest changes: the slice holding the first sampled ones', () => {
    expect(firstCut(hours(0, 30), 10_000, LO, END, DAY, 300)).toEqual({
      at: T0 + DAY,
      ahead: false,
    });
  });

  it('no sample, or a cut outside the window: none (the window is halved)', () => {
    expect(firstCut([], 1168, LO, END, DAY, 300)).toBeUndefined();
    expect(firstCut([LO + 5], 1168, LO, END, DAY, 300)).toEqual({ at: LO + DAY, ahead: false });
    expect(firstCut([LO + 5, LO + 4], 1168, LO, END, DAY, 300)).toBeUndefined();
    expect(firstCut([END - 5, END - 6], 1168, LO, END, DAY, 300)).toEqual({
      at: END - DAY,
      ahead: true,
    });
  });
});

describe('approach', () => {
  it('a range of few slices is read from its end, cut by the density after it', () => {
    const e = T0 + 13 * DAY;
    expect(approach(LO, e, WALK_SLICES * 300, 80, DAY, 300)).toEqual({
      at: e - 3 * DAY,
      ahead: true,
    });
  });

  it('a larger one is cut where that density says its changes begin', () => {
    const e = T0 + 100 * DAY;
    // 9,000 at 90 a day: 100 days before e, the cut at half a slice's worth after that.
    expect(approach(LO, e, 9000, 90, DAY, 300)).toEqual({ at: e - 99 * DAY, ahead: false });
    // A density saying the changes begin before the range: no cut, the range is halved.
    expect(approach(e - 50 * DAY, e, 9000, 90, DAY, 300)).toBeUndefined();
  });

  it('a range of one step has no cut', () => {
    expect(approach(T0, T0 + DAY, 400, 400, DAY, 300)).toBeUndefined();
  });
});
