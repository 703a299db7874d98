import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { toTalkdeskAgent } from '../../agents/agent-normalizer';
import { toTalkdeskContact } from '../../contacts/contact-normalizer';
import { toTalkdeskInteraction } from '../../interactions/interaction-normalizer';
import { isAbortError } from '../../common/time-budget';
import {
  AccountRef,
  AuthenticatedAccount,
  AuthFields,
  ContactPosition,
  ContactRecord,
  ResumeState,
} from '../../connectors/ports';
import { ConnectorObserver, RestConnector } from '../../connectors/rest/engine/rest-connector';
import { loadManifest, ManifestError } from '../../connectors/rest/manifest/load-manifest';
import type { SyncCheckpoint } from '../../contacts/contact-sync-tokens';
import { isSqlManifest } from './sql-manifest-kind';

/**
 * `npm run connector:check`: validates a manifest and, given credentials, runs each capability
 * against the live upstream, printing every request (secrets masked), its answer's status, the
 * records extracted and the records as Talkdesk will receive them, page by page.
 */

export interface CheckOptions {
  manifest: string;
  auth?: AuthFields;
  baseUrl?: string;
  /** Upstream pages read per capability. */
  maxPages: number;
  /** Records shown per page. */
  show: number;
  only?: string[];
  contactId?: string;
  email?: string;
  phone?: string;
  action?: string;
  data?: Record<string, unknown>;
  meta?: { contact_external_id?: string; agent_external_id?: string };
  defaultPhoneRegion: string;
  /** RECORD_URL_BASE (SQL manifests' `{{ settings.record_url_base }}`). */
  recordUrlBase?: string;
  /** INCREMENTAL_LOOKBACK_SECONDS of the incremental sync; the bridge's default when undefined. */
  lookbackSeconds?: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** An SQL manifest's database (DATABASE_URL); never in the manifest. */
  databaseUrl?: string;
}

/** The manifest as data, when it reads as YAML or JSON (its mistakes are reported later). */
function peek(file: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

type Out = (line: string) => void;

const pretty = (value: unknown) => JSON.stringify(value, null, 2).replace(/\n/g, '\n    ');

class PageLimit extends Error {}

/** Prints what the connector does, and stops it after `maxPages` pages of one capability. */
class Printer implements ConnectorObserver {
  pages = 0;
  private controller = new AbortController();

  constructor(
    private readonly out: Out,
    private readonly options: CheckOptions,
    private readonly normalize: (label: string, record: unknown) => unknown,
  ) {}

  /** A fresh signal and page count for the next capability. */
  start(): AbortSignal {
    this.pages = 0;
    this.controller = new AbortController();
    return AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.options.timeoutMs)]);
  }

  request(e: Parameters<NonNullable<ConnectorObserver['request']>>[0]): void {
    this.out(`  → ${e.method} ${e.url}`);
    this.out(`    headers: ${JSON.stringify(e.headers)}`);
    if (e.body !== undefined) this.out(`    body: ${e.body}`);
  }

  response(e: Parameters<NonNullable<ConnectorObserver['response']>>[0]): void {
    this.out(`  ← HTTP ${e.status} in ${Math.round(e.ms)} ms (${e.label})`);
  }

  page(e: Parameters<NonNullable<ConnectorObserver['page']>>[0]): void {
    this.pages++;
    this.out(
      `    ${e.label} page ${this.pages}: ${e.records.length} record(s) extracted, ${e.mapped.length} mapped, ${e.dropped.length} dropped`,
    );
    for (const d of e.dropped) this.out(`      dropped #${d.index}: ${d.reason}`);
    const shown = Math.min(this.options.show, e.records.length);
    for (let i = 0; i < shown; i++) this.out(`    upstream record ${i}: ${pretty(e.records[i])}`);
    for (let i = 0; i < Math.min(this.options.show, e.mapped.length); i++) {
      this.out(`    as Talkdesk receives it: ${pretty(this.normalize(e.label, e.mapped[i]))}`);
    }
    if (this.pages >= this.options.maxPages) this.controller.abort(new PageLimit());
  }
}

export async function runConnectorCheck(options: CheckOptions, out: Out): Promise<number> {
  // Each kind of check loads its own parts only when run: the tool starts faster.
  if (isSqlManifest(peek(options.manifest))) {
    const { runSqlManifestCheck } = await import('./sql-manifest-check.js');
    return runSqlManifestCheck(options, out);
  }
  let manifest;
  try {
    manifest = loadManifest(options.manifest, options.baseUrl ? { baseUrl: options.baseUrl } : {});
  } catch (error) {
    if (error instanceof ManifestError) {
      out(error.message);
      return 1;
    }
    throw error;
  }
  // The first contact seen: whose interactions are read when no contact is named.
  let firstContact: ContactRecord | undefined;
  const normalize = (label: string, record: unknown): unknown => {
    if (label === 'contacts') {
      firstContact ??= record as ContactRecord;
      return (
        toTalkdeskContact(record as ContactRecord, options.defaultPhoneRegion) ?? '(dropped: no id)'
      );
    }
    if (label === 'agents') {
      const verdict = toTalkdeskAgent(record as never);
      return 'agent' in verdict ? verdict.agent : `(skipped: ${verdict.skipped})`;
    }
    if (label === 'interactions') return toTalkdeskInteraction(record as never) ?? '(dropped)';
    return record;
  };
  const printer = new Printer(out, options, normalize);
  const connector = new RestConnector(manifest, {
    observer: printer,
    defaultPhoneRegion: options.defaultPhoneRegion,
    logger: {
      log() {},
      debug() {},
      warn: (m: string) => out(`  warning: ${m}`),
      error: (m: string) => out(`  error: ${m}`),
    },
  });
  const capabilities = connector.capabilities;
  out(`Manifest ${options.manifest} is valid: connector ${connector.kind}`);
  out(
    `  authentication: ${manifest.authentication.type} (Talkdesk: ${connector.authenticationType}; fields: ${connector.authenticationFields.map((f) => f.field_name).join(', ') || 'none'})`,
  );
  out(
    `  contacts: ${capabilities.contacts ? (capabilities.contactSync === 'full' ? 'full syncs only (no update-time filter)' : 'incremental') : 'no'}; agents: ${capabilities.agents ? 'yes' : 'no'}; interactions: ${capabilities.interactionTypes.join(', ') || 'no'}; actions: ${connector.definitions.map((d) => d.name).join(', ') || 'none'}`,
  );
  if (!options.auth) {
    out('No --auth given: nothing was sent to the external system.');
    await connector.close();
    return 0;
  }
  const wanted = (name: string) => !options.only || options.only.includes(name);
  let failures = 0;
  const step = async (title: string, run: (signal: AbortSignal) => Promise<void>) => {
    out('');
    out(`== ${title}`);
    const signal = printer.start();
    try {
      await run(signal);
    } catch (error) {
      if (
        error instanceof PageLimit ||
        (isAbortError(error) && signal.reason instanceof PageLimit)
      ) {
        out(`  stopped after ${options.maxPages} page(s) (--max-pages)`);
        return;
      }
      failures++;
      out(
        `  FAILED: ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`,
      );
    }
  };
  try {
    let account: AccountRef | undefined;
    let authenticated: AuthenticatedAccount | undefined;
    await step('credentials', async (signal) => {
      const result = await connector.authenticate(options.auth!, signal);
      if (!result) throw new Error('the external system refused the credentials');
      authenticated = result;
      account = result.account;
      out(`  accepted: account key ${result.account.key}`);
      if (result.fieldsToStore)
        out(`  fields to store (answered 200): ${JSON.stringify(result.fieldsToStore)}`);
    });
    if (!account || !authenticated) return 1;
    const acc = account;
    const verified = authenticated;
    // What the full sync read: its checkpoint is where the incremental sync starts.
    let checkpoint: SyncCheckpoint | undefined;
    let readAll = false;
    if (capabilities.contacts && wanted('contacts')) {
      await step('contacts (a full sync)', async (signal) => {
        let after: ContactPosition | undefined;
        let resume: ResumeState | undefined;
        let total = 0;
        // The run's upper bound, fixed for all its pages, as the bridge does.
        const until = Date.now();
        for (;;) {
          const batch = await connector.listContacts(
            acc,
            {
              changedUntil: until,
              limit: 100,
              ...(after && { after }),
              ...(resume !== undefined && { resume }),
            },
            signal,
          );
          total += batch.records.length;
          const tail = batch.records[batch.records.length - 1];
          if (tail) {
            after = { updatedAt: tail.updatedAt, id: tail.id };
            checkpoint = { ...after, readTo: until };
          }
          if (!batch.hasMore) break;
          resume = batch.resume;
        }
        readAll = true;
        out(`  end of contacts: ${total} in all`);
      });
      if (capabilities.contactSync === 'full') {
        out('');
        out('== contacts (incremental)');
        out(
          '  skipped: no update-time filter (incremental) in the manifest: every sync is a full one',
        );
      } else if (!checkpoint) {
        out('');
        out('== contacts (incremental)');
        out(
          readAll
            ? '  skipped: the full sync read no contact, so it has no checkpoint to start from'
            : '  skipped: the full sync stopped before its first batch of contacts was read whole, so it has no checkpoint to start from (raise --max-pages)',
        );
      } else {
        const from = checkpoint;
        const { checkIncremental } = await import('./incremental-check.js');
        await step("contacts (incremental, from the full sync's checkpoint)", () =>
          checkIncremental(
            {
              connector,
              auth: options.auth!,
              authenticated: verified,
              checkpoint: from,
              readAll,
              ...(options.lookbackSeconds !== undefined && {
                lookbackSeconds: options.lookbackSeconds,
              }),
              defaultPhoneRegion: options.defaultPhoneRegion,
              timeoutMs: options.timeoutMs,
            },
            out,
          ),
        );
      }
    }
    if (capabilities.agents && wanted('agents')) {
      await step('agents', async (signal) => {
        let position: number | null = null;
        let total = 0;
        do {
          const batch = await connector.listUsers(acc, position, 100, signal);
          total += batch.records.length;
          position = batch.next;
        } while (position !== null);
        out(`  end of agents: ${total} in all`);
      });
    }
    if (capabilities.interactionTypes.length > 0 && wanted('interactions')) {
      await step('interactions', async (signal) => {
        const first = firstContact as ContactRecord | undefined;
        const contactId =
          options.contactId ?? (options.email || options.phone ? undefined : first?.id);
        if (!contactId && !options.email && !options.phone) {
          out('  skipped: no contact to look up (give --contact-id, --email or --phone)');
          return;
        }
        out(`  for contact ${contactId ?? options.email ?? options.phone}`);
        const found = await connector.findInteractions(
          acc,
          {
            ...(contactId && { contactId }),
            emails: options.email ? [options.email] : [],
            phones: options.phone ? [options.phone] : [],
          },
          { types: capabilities.interactionTypes, limit: 50 },
          signal,
        );
        if (found === null) out('  the external system does not know this contact');
        else out(`  ${found.length} interaction(s) found`);
      });
    }
    if (options.action) {
      await step(`action ${options.action} (runs for real)`, async (signal) => {
        const outcome = await connector.runAction(
          acc,
          options.action!,
          {
            data: options.data ?? {},
            ...(options.meta?.contact_external_id && {
              contactExternalId: options.meta.contact_external_id,
            }),
            ...(options.meta?.agent_external_id && {
              agentExternalId: options.meta.agent_external_id,
            }),
          },
          signal,
        );
        out(`  outcome: ${pretty(outcome)}`);
      });
    }
  } finally {
    await connector.close();
  }
  out('');
  out(failures === 0 ? 'Check passed.' : `Check failed: ${failures} capability(ies) failed.`);
  return failures === 0 ? 0 : 1;
}
