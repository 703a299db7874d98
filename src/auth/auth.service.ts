import { Injectable } from '@nestjs/common';
import { AuthFields } from '../connectors/ports';
import { AccountResolver } from '../talkdesk/account-resolver.service';
import { TimeBudget } from '../common/time-budget';

@Injectable()
export class AuthService {
  constructor(private readonly accounts: AccountResolver) {}

  /** Fields Talkdesk must store (answered 200), or null when there are none (answered 204). */
  async validate(
    auth: AuthFields,
    budget: TimeBudget,
  ): Promise<Record<string, string | number | boolean> | null> {
    // Activation is rare and must reflect the external system now, not a cached verdict.
    const { fieldsToStore } = await this.accounts.resolve(auth, budget, { fresh: true });
    return fieldsToStore && Object.keys(fieldsToStore).length > 0 ? fieldsToStore : null;
  }
}
