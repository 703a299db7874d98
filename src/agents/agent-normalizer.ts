import { isEmail } from 'class-validator';
import { UserRecord } from '../connectors/ports';

export interface TalkdeskAgent {
  id: string;
  name: string;
  email: string;
}

/** Why a user was skipped, in a word (for metrics). */
export type SkipReason = 'no_id' | 'no_email' | 'invalid_email';

export type AgentVerdict = { agent: TalkdeskAgent } | { skipped: string; reason: SkipReason };

/**
 * Talkdesk links agents to users by email, so a user without a usable one cannot be matched:
 * it is skipped with the reason, and the rest of the page goes through.
 */
export function toTalkdeskAgent(user: UserRecord): AgentVerdict {
  const id = user.id === null || user.id === undefined ? '' : String(user.id).trim();
  if (!id) return { skipped: 'no id', reason: 'no_id' };
  const email = typeof user.email === 'string' ? user.email.trim().toLowerCase() : '';
  if (!email) return { skipped: `user ${id} has no email`, reason: 'no_email' };
  if (!isEmail(email)) {
    return { skipped: `user ${id} has an email that is not an address`, reason: 'invalid_email' };
  }
  const name =
    typeof user.name === 'string' && user.name.trim() ? user.name.trim() : email.split('@')[0];
  return { agent: { id, name, email } };
}
