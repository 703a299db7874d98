/**
 * The kinds of opaque token the bridge hands Talkdesk during a contact sync. Each token carries
 * its kind, so that one handed back in the wrong field is recognised as unreadable.
 */
export const TOKEN_KINDS = {
  /** `next_offset`: where the next page of a run starts. */
  contactsOffset: 'contacts.offset',
  /** `synchronization_checkpoint`: everything up to here has been sent. */
  contactsCheckpoint: 'contacts.checkpoint',
  /** `context`: the run's fixed bounds, handed back with each next page. */
  contactsContext: 'contacts.context',
} as const;

export type TokenKind = (typeof TOKEN_KINDS)[keyof typeof TOKEN_KINDS];

/** Tokens of another version are unreadable (a full sync, or a 400 for an offset). */
export const TOKEN_VERSION = 1;
