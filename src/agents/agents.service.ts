import { Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { UpstreamError } from '../connectors/ports/errors';
import { AccountRef, AgentsPort, AuthFields, UserRecord } from '../connectors/ports';
import { MetricsService } from '../metrics/metrics.service';
import { AccountResolver } from '../talkdesk/account-resolver.service';
import { OUT_OF_TIME, PageFiller } from '../talkdesk/page-filler';
import { TimeBudget } from '../common/time-budget';
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
    @Optional() private readonly metrics: MetricsService = MetricsService.disabled(),
  ) {}

  async sync(
    auth: AuthFields,
    offset: number | null | undefined,
    budget: TimeBudget,
  ): Promise<AgentSyncPage> {
    const { account } = await this.accounts.resolve(auth, budget);
    const { records, next } = await this.collectPage(account, offset ?? null, budget);
    const agents: TalkdeskAgent[] = [];
    const skipped: string[] = [];
    for (const user of records) {
      const verdict = toTalkdeskAgent(user);
      if ('agent' in verdict) agents.push(verdict.agent);
      else {
        skipped.push(verdict.skipped);
        this.metrics.recordsDropped('agent', verdict.reason);
      }
    }
    this.metrics.agentsSynced(agents.length);
    if (skipped.length > 0) {
      this.logger.warn(
        `Skipped ${skipped.length} user(s) Talkdesk cannot match: ${skipped.join('; ')}`,
      );
    }
    return next === null ? { agents } : { agents, next_offset: next };
  }

  /**
   * Fills one page in as many adapter calls as it takes (an upstream may return fewer users
   * than asked), until full, exhausted or out of time: once the page has users, a batch that
   * cannot finish before the deadline is left for the next page.
   */
  private async collectPage(
    account: AccountRef,
    position: number | null,
    budget: TimeBudget,
  ): Promise<{ records: UserRecord[]; next: number | null }> {
    const pageSize = this.config.agentsPageSize;
    const filler = new PageFiller(budget);
    const records: UserRecord[] = [];
    let next: number | null = position;
    do {
      const batch = await filler.batch(records.length > 0, (signal) =>
        this.users.listUsers(account, next, pageSize - records.length, { signal }),
      );
      if (batch === OUT_OF_TIME) {
        this.logger.warn(
          `Answering ${records.length} user(s) and a next_offset: the external system was too slow to fill the page in time`,
        );
        break;
      }
      if (batch.next !== null && (batch.records.length === 0 || batch.next === next)) {
        throw new UpstreamError('The external system listed no further users but reported more');
      }
      records.push(...batch.records);
      next = batch.next;
    } while (records.length < pageSize && next !== null);
    return { records, next };
  }
}
