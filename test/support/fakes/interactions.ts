import {
  AccountRef,
  CallOptions,
  ContactLookup,
  InteractionQuery,
  InteractionRecord,
  InteractionsPort,
} from '../../../src/connectors/ports';

/** Contact "1", or whoever has the email jane@example.com. */
const contactOne = (contact: ContactLookup) =>
  contact.contactId === '1' || contact.emails.includes('jane@example.com');

/**
 * Answers every record it holds (of any type: the service must filter) for the one contact it
 * knows, null for any other. Records every call.
 */
export class FakeInteractionsPort extends InteractionsPort {
  readonly calls: { contact: ContactLookup; query: InteractionQuery }[] = [];

  constructor(
    readonly records: InteractionRecord[] = [],
    private readonly knows: (contact: ContactLookup) => boolean = contactOne,
  ) {
    super();
  }

  async findInteractions(
    _account: AccountRef,
    contact: ContactLookup,
    query: InteractionQuery,
    _options?: CallOptions,
  ): Promise<InteractionRecord[] | null> {
    this.calls.push({ contact, query });
    return this.knows(contact) ? this.records.map((r) => ({ ...r })) : null;
  }
}
