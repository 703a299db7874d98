import { findOrderViolation } from './contact-order-guard';

const at = (updatedAt: number, id: string) => ({ updatedAt, id });

describe('the contact order guard', () => {
  it('accepts ascending (updatedAt, id), ids compared as numbers when both are integers', () => {
    expect(findOrderViolation([at(1, '2'), at(1, '10'), at(2, '1'), at(2, 'a')], at(0, '9'))).toBe(
      undefined,
    );
    expect(findOrderViolation([at(5, 'b'), at(5, 'c')], at(5, 'a'))).toBeUndefined();
    expect(findOrderViolation([], at(5, 'a'))).toBeUndefined();
  });

  it('names the first record that does not follow the one before it, or the position asked after', () => {
    expect(findOrderViolation([at(1, '1'), at(3, '1'), at(2, '1')], undefined)).toEqual({
      previous: at(3, '1'),
      record: at(2, '1'),
    });
    expect(findOrderViolation([at(1, '10'), at(1, '9')], undefined)).toEqual({
      previous: at(1, '10'),
      record: at(1, '9'),
    });
    expect(findOrderViolation([at(4, '1')], at(4, '1'))).toEqual({
      previous: at(4, '1'),
      record: at(4, '1'),
    });
    expect(findOrderViolation([at(3, '7')], at(4, '1'))).toEqual({
      previous: at(4, '1'),
      record: at(3, '7'),
    });
  });

  it('refuses an update time that is not a finite number, and reads a numeric id as text', () => {
    expect(findOrderViolation([at(1, '1'), at(Number.NaN, '2')], undefined)?.record.id).toBe('2');
    const numeric = [{ updatedAt: 1, id: 5 as unknown as string }, at(1, '6')];
    expect(findOrderViolation(numeric, at(1, '4'))).toBeUndefined();
  });
});
