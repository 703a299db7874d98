import { CompiledValue } from '../../manifest/compiled';
import { Scope, toContactKey } from '../mapper';
import { RestClient } from '../rest-client';

/** What orders a contact, for each record of a page (no value: the record cannot be mapped). */
export type PageKeys = { index: number; value?: { id: string; updatedAt: number } }[];

/**
 * Keys remembered with the list of records they were computed from. A page kept for the run's
 * next batch (page-carry.ts) is handed to that batch as the same list; with upstream pages
 * larger than Talkdesk's, two or three batches read each page, and its keys are computed once.
 * A page read back from the shared store (another replica's) is a new list: computed again.
 */
const remembered = new WeakMap<
  readonly unknown[],
  { fields: Record<string, CompiledValue>; credentials: string; keys: PageKeys }
>();

/**
 * The keys of a page's records (toContactKey of each), computed once per list of records, the
 * manifest's fields and the account's credentials (which the fields' templates may read).
 */
export async function pageKeys(
  client: RestClient,
  fields: Record<string, CompiledValue>,
  records: readonly unknown[],
  scope: Scope,
  credentials: string,
): Promise<PageKeys> {
  const known = remembered.get(records);
  if (known && known.fields === fields && known.credentials === credentials) return known.keys;
  const keys = await client.mapAll(
    'contacts',
    records as unknown[],
    0,
    (r) => toContactKey(fields, r, scope),
    false,
  );
  remembered.set(records, { fields, credentials, keys });
  return keys;
}
