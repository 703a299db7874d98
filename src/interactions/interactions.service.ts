import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import {
  AccountRef,
  AuthFields,
  ConnectorPort,
  ContactLookup,
  InteractionQuery,
  InteractionsPort,
} from '../connectors/ports';
import { AccountResolver } from '../talkdesk/account-resolver.service';
import { TimeBudget } from '../common/time-budget';
import { TalkdeskInteraction } from '../talkdesk/contract/interactions';
import { toTalkdeskInteraction } from './interaction-normalizer';
import { InteractionsCache } from '../interactions-cache/interactions-cache.service';

export interface InteractionRequest {
  types?: string[] | null;
  contactExternalId?: string | number | null;
  contactName?: string | null;
  contactEmails?: (string | null)[] | null;
  contactPhones?: (string | null)[] | null;
}

const present = (values: (string | null)[] | null | undefined): string[] =>
  (values ?? []).filter((v): v is string => typeof v === 'string' && v.trim() !== '');

@Injectable()
export class InteractionsService {
  private readonly logger = new Logger(InteractionsService.name);

  constructor(
    private readonly accounts: AccountResolver,
    private readonly interactions: InteractionsPort,
    private readonly connector: ConnectorPort,
    private readonly config: AppConfig,
    private readonly cache: InteractionsCache,
  ) {}

  /** The contact's interactions of the requested types, newest first; [] for an unknown contact. */
  async retrieve(
    auth: AuthFields,
    request: InteractionRequest,
    budget: TimeBudget,
  ): Promise<TalkdeskInteraction[]> {
    const { account } = await this.accounts.resolve(auth, budget);
    const supported = this.connector.capabilities.interactionTypes;
    const types = request.types ? supported.filter((t) => request.types?.includes(t)) : supported;
    if (types.length === 0) return [];
    const id = request.contactExternalId;
    const lookup: ContactLookup = {
      ...(id !== null && id !== undefined && String(id).trim() && { contactId: String(id).trim() }),
      ...(request.contactName && { name: request.contactName }),
      emails: present(request.contactEmails),
      phones: present(request.contactPhones),
    };
    const query = { types, limit: this.config.interactionsLimit };
    if (!this.cache.enabled) return this.find(account, lookup, query, budget);
    const { key, hit } = await this.cache.lookup(account, { lookup, query });
    if (hit) return hit;
    const found = await this.find(account, lookup, query, budget);
    await this.cache.remember(key, found);
    return found;
  }

  private async find(
    account: AccountRef,
    lookup: ContactLookup,
    query: InteractionQuery,
    budget: TimeBudget,
  ): Promise<TalkdeskInteraction[]> {
    const { types } = query;
    const records = await this.interactions.findInteractions(account, lookup, query, {
      signal: budget.signal,
    });
    if (!records) return [];
    const out: TalkdeskInteraction[] = [];
    for (const record of records) {
      // Whatever the adapter returns, Talkdesk only gets what it asked for.
      if (!types.includes(record.type)) continue;
      const interaction = toTalkdeskInteraction(record);
      if (interaction) out.push(interaction);
      else this.logger.warn(`Skipped interaction ${String(record.id)}: no id or no valid date`);
    }
    out.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
    return out.slice(0, this.config.interactionsLimit);
  }
}
