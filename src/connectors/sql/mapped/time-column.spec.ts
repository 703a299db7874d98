import { timeColumn } from './time-column';

const at = Date.UTC(2024, 4, 1, 12, 30, 15, 250);

describe('update-time columns', () => {
  it('epoch seconds: values read at whole seconds, bounds that hold exactly', () => {
    const t = timeColumn({ column: 'C', type: 'epoch_seconds' }, 'postgres');
    expect(t.precisionMs).toBe(1000);
    expect(t.toMs(1714566615)).toBe(1714566615000);
    expect(t.toMs('1714566615')).toBe(1714566615000);
    // column >= ceil, column <= floor: exactly the instants within [from, to].
    expect(t.atOrAfter(at)).toBe(Math.ceil(at / 1000));
    expect(t.atOrBefore(at)).toBe(Math.floor(at / 1000));
    expect(t.toMs(null)).toBeUndefined();
  });

  it('epoch milliseconds, with a coarser precision declared', () => {
    const t = timeColumn({ column: 'C', type: 'epoch_ms', precision_ms: 1000 }, 'mysql');
    expect(t.precisionMs).toBe(1000);
    expect(t.toMs(at)).toBe(at - 250);
    expect(t.atOrAfter(at)).toBe(at + 750);
    expect(t.atOrBefore(at)).toBe(at - 250);
  });

  it('text in a declared format, compared as text', () => {
    const t = timeColumn({ column: 'C', type: 'text', format: 'YYYY-MM-DD HH:mm:ss' }, 'sqlite');
    expect(t.precisionMs).toBe(1000);
    expect(t.toMs('2024-05-01 12:30:15')).toBe(at - 250);
    expect(t.atOrAfter(at)).toBe('2024-05-01 12:30:16');
    expect(t.atOrBefore(at)).toBe('2024-05-01 12:30:15');
    expect(t.toMs('yesterday')).toBeUndefined();
  });

  it('timestamps: Dates from the driver, bounds as UTC text every server reads', () => {
    const t = timeColumn({ column: 'C', type: 'timestamptz' }, 'postgres');
    expect(t.precisionMs).toBe(1);
    expect(t.toMs(new Date(at))).toBe(at);
    expect(t.atOrAfter(at)).toBe('2024-05-01 12:30:15.250');
    expect(t.atOrBefore(at)).toBe('2024-05-01 12:30:15.250');
  });

  it('timestamps on SQLite are text, by default with milliseconds', () => {
    const t = timeColumn({ column: 'C', type: 'timestamp' }, 'sqlite');
    expect(t.toMs('2024-05-01 12:30:15.250')).toBe(at);
    expect(t.atOrAfter(at)).toBe('2024-05-01 12:30:15.250');
  });
});
