import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AgentsPort, AuthFields } from '../connectors/ports';
import { AccountResolver } from '../talkdesk/account-resolver.service';
import { TimeBudget } from '../talkdesk/time-budget';
import { TalkdeskAgent, toTalkdeskAgent } from './agent-normalizer';

export interface AgentSyncPage {
  agents: TalkdeskAgent[];
  next_offset?: number;
}

@Injectable()
export class AgentsService {
  private readonly logger = new Logger(AgentsService.name);

  constructor(
    private readonly accounts: AccountResolver,
    private readonly users: AgentsPort,
    private readonly config: AppConfig,
  ) {}

  async sync(
    auth: AuthFields,
    offset: number | null | undefined,
    budget: TimeBudget,
  ): Promise<AgentSyncPage> {
    const { account } = await this.accounts.resolve(auth, budget);
    const batch = await this.users.listUsers(account, offset ?? null, this.config.agentsPageSize, {
      signal: budget.signal,
    });
    const agents: TalkdeskAgent[] = [];
    const skipped: string[] = [];
    for (const user of batch.records) {
      const verdict = toTalkdeskAgent(user);
      if ('agent' in verdict) agents.push(verdict.agent);
      else skipped.push(verdict.skipped);
    }
    if (skipped.length > 0) {
      this.logger.warn(
        `Skipped ${skipped.length} user(s) Talkdesk cannot match: ${skipped.join('; ')}`,
      );
    }
    return batch.next === null ? { agents } : { agents, next_offset: batch.next };
  }
}
