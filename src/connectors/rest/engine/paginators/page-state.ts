/**
 * Where a page of an upstream list is, as JSON (it travels in Talkdesk's next_offset):
 * the first page, a page number, an offset, a cursor, or a URL the upstream handed out.
 */
export type PageState =
  | { k: 'first' }
  | { k: 'page'; page: number; read: number }
  | { k: 'offset'; offset: number }
  | { k: 'cursor'; cursor: string }
  | { k: 'url'; url: string };

export const stateKey = (state: PageState) => JSON.stringify(state);

/** Longest cursor or next-page URL carried in a page state. */
export const MAX_STATE_TEXT = 2048;

/** A page state read back from a token: checked, since tokens come back from outside. */
export function isPageState(value: unknown): value is PageState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  const count = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  switch (s.k) {
    case 'first':
      return true;
    case 'page':
      return count(s.page) && count(s.read);
    case 'offset':
      return count(s.offset);
    case 'cursor':
      return (
        typeof s.cursor === 'string' && s.cursor.length > 0 && s.cursor.length <= MAX_STATE_TEXT
      );
    case 'url':
      return (
        typeof s.url === 'string' && /^https?:\/\//.test(s.url) && s.url.length <= MAX_STATE_TEXT
      );
    default:
      return false;
  }
}
