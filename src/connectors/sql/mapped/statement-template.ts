import type { CompiledQuery } from 'kysely';

/**
 * A value of a statement that changes from one run to the next (a tenant, a bound of time, a
 * limit): compiled in its place as a bound parameter, then replaced by the run's own value.
 */
export class Slot {
  constructor(readonly name: string) {}
}

/** Binds the values of a run, in the order of the template's slots, into the statement. */
export type StatementTemplate = (values: readonly unknown[]) => CompiledQuery;

/**
 * A statement Kysely compiled once, with slots where a run's values go: each run copies the
 * parameters and fills the slots, and never builds or compiles the query again. The text does
 * not depend on the values (every value is a bound parameter), so one compilation serves every
 * run of the same shape.
 */
export function statementTemplate(
  compiled: CompiledQuery,
  slots: readonly Slot[],
): StatementTemplate {
  const fixed = [...compiled.parameters];
  const at = fixed.map((value) => {
    if (!(value instanceof Slot)) return -1;
    const index = slots.indexOf(value);
    if (index < 0)
      throw new Error(`the statement binds the slot ${value.name}, which is not given`);
    return index;
  });
  return (values) => {
    const parameters = new Array<unknown>(at.length);
    for (let i = 0; i < at.length; i++) parameters[i] = at[i] < 0 ? fixed[i] : values[at[i]];
    return { ...compiled, parameters };
  };
}
