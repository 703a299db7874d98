/** Talkdesk fails a request not answered within this (every webhook). */
export const TALKDESK_TIMEOUT_MS = 10_000;

/**
 * The most a request may spend before answering: Talkdesk's limit less a second for the answer
 * to travel and for the work already under way to be abandoned.
 */
export const MAX_REQUEST_BUDGET_MS = 9000;

/** Hard cap on contacts per page: Talkdesk fails on responses too large to process. */
export const MAX_CONTACTS_PAGE_SIZE = 1000;

/** Hard cap on agents per page, for the same reason. */
export const MAX_AGENTS_PAGE_SIZE = 1000;
