import { InteractionRecord } from '../../src/connectors/ports';

/** An interaction as InteractionsPort finds it: by default ticket 1 of 5 January 2026. */
export function newInteraction(overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  return { id: 1, type: 'ticket', date: Date.UTC(2026, 0, 5, 12), ...overrides };
}
