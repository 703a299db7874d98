import { AccountRef, ContactLookup, InteractionQuery, InteractionRecord } from '../../../ports';
import {
  DEFAULT_PHONE_REGION,
  phoneLookupForms,
  phoneLookupKey,
} from '../../../../talkdesk/contract/phone';
import { phoneForms } from '../../../lookup/phone-forms';
import { CompiledInteractionStream, CompiledLookup } from '../../manifest/compiled';
import { JsonPath } from '../../manifest/paths';
import { Scope, text, toInteraction } from '../mapper';
import { initialState, stateKey } from '../paginators';
import { RestAccount, restAccount } from '../rest-account';
import { RestClient } from '../rest-client';
import { compareIds } from '../resume';

/** Most emails, and most phones, of one contact tried in lookups. */
const MAX_LOOKUP_VALUES = 5;

type Found = { id: string; record: unknown };

/** A stream's interactions, and the upstream record each came from (for `for_each` streams). */
type StreamRead = { records: InteractionRecord[]; raws: unknown[] };

/**
 * Interaction retrieval: find the contact (by id, else email, else phone), then read its
 * interactions from each stream that yields a requested type; newest first.
 */
export class InteractionsCapability {
  constructor(private readonly client: RestClient) {}

  private async lookup(
    account: RestAccount,
    spec: CompiledLookup,
    lookup: Record<string, unknown>,
    signal: AbortSignal,
    label: string,
  ): Promise<Found | null> {
    const answer = await this.client.exchange(
      account,
      spec.request,
      { auth: account.auth, lookup, limit: 1 },
      signal,
      { label, accept: spec.notFound, acceptNotFound: true },
    );
    if (answer.notFound || spec.notFound.has(answer.status)) return null;
    const selected = spec.selector.get(answer.body);
    const record = spec.phoneFields
      ? this.callerAmong(spec.phoneFields, selected, lookup.phone)
      : Array.isArray(selected)
        ? selected[0]
        : selected;
    if (record === undefined || record === null) return null;
    const id = text(this.client.manifest.interactions!.idField.get(record));
    return id === null ? null : { id, record };
  }

  /**
   * The first candidate with a phone that is the caller's number (both read as E.164, so an
   * extension typed after the number is left out); a path may hold a list of phones.
   */
  private callerAmong(paths: JsonPath[], selected: unknown, phone: unknown): unknown {
    const region = this.client.options.defaultPhoneRegion ?? DEFAULT_PHONE_REGION;
    const caller = typeof phone === 'string' ? phoneLookupKey(phone, region) : undefined;
    if (caller === undefined) return undefined;
    const candidates = Array.isArray(selected) ? selected : [selected];
    const isCaller = (item: unknown) => {
      const value = text(item);
      return value !== null && phoneLookupKey(value, region) === caller;
    };
    return candidates.find((candidate) =>
      paths.some((path) => {
        const found = path.get(candidate);
        return Array.isArray(found) ? found.some(isCaller) : isCaller(found);
      }),
    );
  }

  async findInteractions(
    account: AccountRef,
    contact: ContactLookup,
    query: InteractionQuery,
    signal: AbortSignal,
  ): Promise<InteractionRecord[] | null> {
    const spec = this.client.manifest.interactions;
    if (!spec) return null;
    const acc = restAccount(account);
    const base: Record<string, unknown> = { ...(contact.name && { name: contact.name }) };
    let found: Found | null = null;
    let trusted = false;
    if (contact.contactId) {
      if (spec.byId) {
        found = await this.lookup(
          acc,
          spec.byId,
          { ...base, id: contact.contactId },
          signal,
          'contact lookup by id',
        );
      } else {
        found = { id: contact.contactId, record: null };
        trusted = true;
      }
    }
    if (!found && spec.byEmail) {
      for (const email of contact.emails.slice(0, MAX_LOOKUP_VALUES)) {
        found = await this.lookup(
          acc,
          spec.byEmail,
          { ...base, email: email.trim() },
          signal,
          'contact lookup by email',
        );
        if (found) break;
      }
    }
    if (!found && spec.byPhone) {
      found = await this.lookupByPhone(acc, spec.byPhone, contact.phones, base, signal);
    }
    if (!found) return null;
    const types = query.types.filter((t) => spec.types.includes(t));
    const scope: Scope = {
      auth: acc.auth,
      contact: found,
      lookup: { ...base, id: found.id },
      limit: query.limit,
    };
    const results = await this.readStreams(acc, types, scope, query.limit, signal);
    if (trusted && results.some((r) => r === null)) return null;
    const byKey = new Map<string, InteractionRecord>();
    for (const result of results) {
      for (const record of result?.records ?? []) {
        if (types.includes(record.type)) byKey.set(`${record.type}\n${String(record.id)}`, record);
      }
    }
    return [...byKey.values()]
      .sort((a, b) => Number(b.date) - Number(a.date) || compareIds(String(b.id), String(a.id)))
      .slice(0, query.limit);
  }

  /**
   * By phone: each number (at most MAX_LOOKUP_VALUES) once, or, with `phone_forms`, in each
   * declared written form in turn (`lookup.phone_form`) until one finds the contact. Every
   * attempt is one request under the call's budget (its signal): a slow upstream ends the
   * search with the request's deadline, never after it.
   */
  private async lookupByPhone(
    account: RestAccount,
    spec: CompiledLookup,
    phones: readonly string[],
    base: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Found | null> {
    const region = this.client.options.defaultPhoneRegion ?? DEFAULT_PHONE_REGION;
    for (const phone of phones.slice(0, MAX_LOOKUP_VALUES)) {
      const written = phoneLookupForms(phone, region);
      const forms = spec.phoneForms
        ? phoneForms(phone, region, spec.phoneForms, spec.lastDigits)
        : [{ form: undefined, value: undefined }];
      for (const { value } of forms) {
        const lookup = { ...base, ...written, ...(value !== undefined && { phone_form: value }) };
        const found = await this.lookup(account, spec, lookup, signal, 'contact lookup by phone');
        if (found) return found;
      }
    }
    return null;
  }

  /**
   * The streams yielding a requested type, and those they are read for: first every stream read
   * once for the contact, then each `for_each` stream once for each of the first records of its
   * stream (a ticket's comments), all of one level at once. A parent the upstream no longer
   * knows (deleted meanwhile) has nothing to read.
   */
  private async readStreams(
    account: RestAccount,
    types: string[],
    scope: Scope,
    limit: number,
    signal: AbortSignal,
  ): Promise<(StreamRead | null)[]> {
    const streams = this.client.manifest.interactions!.streams;
    const wanted = streams.filter((s) => s.types.some((t) => types.includes(t)));
    const parents = new Set(wanted.flatMap((s) => (s.forEach ? [s.forEach.stream] : [])));
    const once = streams.filter((s, i) => !s.forEach && (wanted.includes(s) || parents.has(i)));
    const read = await Promise.all(
      once.map((s) => this.readInteractions(account, s, scope, limit, signal)),
    );
    const byIndex = new Map(once.map((s, k) => [streams.indexOf(s), read[k]]));
    const children = wanted.filter((s) => s.forEach);
    const childReads = await Promise.all(
      children.map(async (child): Promise<StreamRead | null> => {
        const { stream, maxRecords } = child.forEach!;
        const parent = byIndex.get(stream);
        if (!parent) return null;
        const each = await Promise.all(
          parent.raws
            .slice(0, maxRecords)
            .map((raw) =>
              this.readInteractions(account, child, { ...scope, parent: raw }, limit, signal),
            ),
        );
        return { records: each.flatMap((r) => r?.records ?? []), raws: [] };
      }),
    );
    // A stream read only for its records' sake yields none of its own.
    return [
      ...once.filter((s) => wanted.includes(s)).map((s) => byIndex.get(streams.indexOf(s))!),
      ...childReads,
    ];
  }

  /**
   * A stream's interactions and the upstream records they came from (null when the upstream
   * does not know the contact, or the parent record a `for_each` stream is read for).
   */
  private async readInteractions(
    account: RestAccount,
    stream: CompiledInteractionStream,
    scope: Scope,
    limit: number,
    signal: AbortSignal,
  ): Promise<StreamRead | null> {
    const notFound = this.client.manifest.interactions!.notFound;
    const defaultType = stream.types.length === 1 ? stream.types[0] : undefined;
    const out: InteractionRecord[] = [];
    const raws: unknown[] = [];
    const values = {
      auth: account.auth,
      ...(scope.parent !== undefined && { parent: scope.parent }),
    };
    let state = initialState(stream.paginator);
    const seen = new Set([stateKey(state)]);
    for (let pages = 0; pages < stream.maxPages; pages++) {
      const page = await this.client.readPage(
        account,
        stream,
        scope,
        state,
        signal,
        'interactions',
        { accept: notFound, acceptNotFound: true },
      );
      if (page.notFound || notFound.has(page.status)) {
        return pages === 0 ? null : { records: out, raws };
      }
      const mapped = await this.client.mapAll('interactions', page.records, 0, (r) =>
        toInteraction(stream.fields, r, values, defaultType),
      );
      for (const { index, value } of mapped) {
        if (!value) continue;
        out.push(value);
        raws.push(page.records[index]);
      }
      if (!page.next || out.length >= limit) break;
      const key = stateKey(page.next);
      if (seen.has(key)) break;
      seen.add(key);
      state = page.next;
    }
    return { records: out, raws };
  }
}
