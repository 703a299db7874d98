/** Talkdesk's interaction priorities (interaction retrieval). */
export const PRIORITIES = ['none', 'low', 'normal', 'high', 'urgent'] as const;
/** Talkdesk's interaction statuses (interaction retrieval). */
export const STATUSES = ['new', 'open', 'pending', 'solved', 'closed'] as const;
export type Priority = (typeof PRIORITIES)[number];
export type Status = (typeof STATUSES)[number];

/**
 * The interaction types Talkdesk's own examples use; the embedded database serves exactly
 * these, and the docs and examples offer them. A connector may declare others.
 */
export const COMMON_INTERACTION_TYPES: readonly string[] = ['ticket', 'note', 'call'];

/** One interaction as Talkdesk shows it beside a caller. */
export interface TalkdeskInteraction {
  id: string;
  type: string;
  subject: string;
  description: string;
  /** ISO 8601 */
  date: string;
  url?: string;
  priority: Priority;
  status: Status;
}
