import {
  AccountRef,
  CallOptions,
  ContactBatch,
  ContactPosition,
  ContactQuery,
  ContactRecord,
  ContactsPort,
} from '../../../src/connectors/ports';

/** (updatedAt, id) order, ids compared as numbers. */
export const compareContacts = (a: ContactPosition, b: ContactPosition): number =>
  a.updatedAt - b.updatedAt || Number(a.id) - Number(b.id);

export interface FakeContactsOptions {
  /** At most this many records per call, whatever the query's limit. */
  batch?: number;
  /** Each call takes this long. */
  delayMs?: number;
}

/**
 * An in-memory external system that pages exactly as ContactsPort documents: ascending
 * (updatedAt, id), honouring `after`, `changedSince` and `changedUntil`. Records every query.
 */
export class FakeContactsPort extends ContactsPort {
  readonly queries: ContactQuery[] = [];

  constructor(
    readonly store: ContactRecord[] = [],
    private readonly options: FakeContactsOptions = {},
  ) {
    super();
  }

  async listContacts(
    _account: AccountRef,
    query: ContactQuery,
    _options?: CallOptions,
  ): Promise<ContactBatch> {
    const { batch, delayMs } = this.options;
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const limit = batch === undefined ? query.limit : Math.min(query.limit, batch);
    this.queries.push({ ...query, limit });
    const matching = this.store
      .filter(
        (c) =>
          c.updatedAt <= query.changedUntil &&
          (query.changedSince === undefined || c.updatedAt >= query.changedSince) &&
          (query.after === undefined || compareContacts(c, query.after) > 0),
      )
      .sort(compareContacts);
    return {
      records: matching.slice(0, limit).map((c) => ({ ...c })),
      hasMore: matching.length > limit,
    };
  }

  /** The external system changes a contact. */
  touch(id: string, updatedAt: number): void {
    const contact = this.store.find((c) => c.id === id);
    if (!contact) throw new Error(`no contact ${id}`);
    contact.updatedAt = updatedAt;
  }
}
