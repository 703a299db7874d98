import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config/app-config';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  SyncCheckpoint,
} from '../../contacts/contact-sync-tokens';
import { ContactsService } from '../../contacts/contacts.service';
import { TimeBudget } from '../../common/time-budget';
import {
  AuthenticatedAccount,
  AuthFields,
  ConnectorPort,
  ContactsPort,
  CredentialsPort,
} from '../../connectors/ports';
import { RestConnector } from '../../connectors/rest/engine/rest-connector';
import { AccountResolver } from '../../talkdesk/account-resolver.service';
import { TokenSigner } from '../../talkdesk/token-codec';

export interface IncrementalCheck {
  connector: RestConnector;
  auth: AuthFields;
  /** What the credentials step answered: the account is not authenticated a second time. */
  authenticated: AuthenticatedAccount;
  /** The checkpoint of the full sync: its last contact, read up to the run's upper bound. */
  checkpoint: SyncCheckpoint;
  /** Whether the full sync read to the end (not stopped by --max-pages or a failure). */
  readAll: boolean;
  /** INCREMENTAL_LOOKBACK_SECONDS; the bridge's default when undefined. */
  lookbackSeconds?: number;
  defaultPhoneRegion: string;
  timeoutMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const describe = (c: SyncCheckpoint) =>
  `after contact ${c.id} (changed ${iso(c.updatedAt)}), read up to ${iso(c.readTo)}`;

/**
 * The sync Talkdesk runs next, from the full sync's checkpoint: the bridge's own contact
 * synchronization (ContactsService, with its look-back window and the checkpoint rules of
 * docs/contact-sync.md) over the manifest's connector, one Talkdesk page. The checkpoint is the
 * one the bridge hands Talkdesk after a page: the position of the last contact sent and the
 * instant the run read up to. The connector's observer prints the requests it sends.
 */
export async function checkIncremental(
  check: IncrementalCheck,
  out: (line: string) => void,
): Promise<void> {
  const { connector, checkpoint } = check;
  const config = loadConfig(
    {},
    {
      defaultPhoneRegion: check.defaultPhoneRegion,
      ...(check.lookbackSeconds !== undefined && {
        incrementalLookbackSeconds: check.lookbackSeconds,
      }),
    },
  );
  // Tokens of this run only: signed with a secret of its own, read back by the same service.
  const signer = new TokenSigner(randomBytes(32).toString('hex'));
  const credentials: Pick<CredentialsPort, 'authenticate' | 'identityOf'> = {
    identityOf: (auth) => connector.identityOf(auth),
    authenticate: () => Promise.resolve(check.authenticated),
  };
  const contacts: ContactsPort = {
    listContacts: (account, query, options) =>
      connector.listContacts(account, query, options.signal),
  };
  const service = new ContactsService(
    new AccountResolver(credentials as CredentialsPort, config),
    contacts,
    config,
    signer,
    { capabilities: connector.capabilities } as ConnectorPort,
  );
  const scope = signer.forAccount(check.authenticated.account.key);
  const token = encodeCheckpoint(scope, checkpoint);
  out(
    `  synchronization_checkpoint sent: ${describe(checkpoint)}; look-back ${config.incrementalLookbackSeconds} s (INCREMENTAL_LOOKBACK_SECONDS)`,
  );
  const page = await service.sync(
    check.auth,
    { synchronization_checkpoint: token },
    new TimeBudget(check.timeoutMs),
  );
  const which = check.readAll
    ? 'changed since the checkpoint'
    : 'after the checkpoint (changed or not: the full sync stopped early)';
  out(
    `  Talkdesk receives ${page.contacts.length} contact(s) ${which}${page.next_offset ? ', and a next_offset for more' : ''}`,
  );
  for (const contact of page.contacts.slice(0, 3)) out(`    ${JSON.stringify(contact)}`);
  const next = decodeCheckpoint(scope, page.synchronization_checkpoint);
  out(
    `  synchronization_checkpoint answered: ${page.synchronization_checkpoint === token ? 'the same one, handed back' : next ? describe(next) : 'none'}`,
  );
}
