import {
  CompiledEnrichment,
  CompiledLookup,
  CompiledManifest,
  CompiledSlice,
  EnrichableField,
} from './compiled';
import { granularityMs, isDateFormat, updatePrecisionMs } from './dates';
import { ContactsSpec, IncrementalSpec, InteractionStreamSpec, LookupSpec } from './manifest.types';
import { AccessCompiler } from './access-compiler';
import { ROOTS } from './parts-compiler';
import { EnrichmentSchema } from './schema/records';
import { defaultOf } from './schema/schema-builder';
import {
  ForEachSchema,
  IncrementalSchema,
  InteractionsContactSchema,
  InteractionsSchema,
  InteractionStreamSchema,
  LookupSchema,
  SliceSchema,
} from './schema/streams';

/** The manifest's streams: contacts (incremental, slices, enrichments) and interactions. */
export class StreamsCompiler extends AccessCompiler {
  /** `contacts`: the stream, its incremental reading (bounds, slices) and its enrichments. */
  protected contacts(): CompiledManifest['contacts'] {
    const m = this.m;
    if (!m.contacts) return undefined;
    const stream = this.stream('contacts', m.contacts, ROOTS.listRequest);
    const inc = m.contacts.incremental;
    let contacts: NonNullable<CompiledManifest['contacts']> = stream;
    if (inc) {
      const format = inc.format ?? defaultOf(IncrementalSchema, 'format');
      if (!isDateFormat(format)) {
        this.fail('contacts.incremental.format', `"${format}" is not a date format`);
      }
      if (!m.contacts.fields.updated_at) {
        this.fail('contacts.fields.updated_at', 'is required with contacts.incremental');
      }
      const usesSince = this.requestReads(stream.request, 'since');
      if (!inc.param && !usesSince) {
        this.fail(
          'contacts.incremental',
          'needs `param`, or a request template that uses {{ since }}',
        );
      }
      contacts = {
        ...stream,
        incremental: {
          ...(inc.param && { param: inc.param }),
          paramIn: inc.param_in ?? defaultOf(IncrementalSchema, 'param_in'),
          format,
          ...(inc.until_param && { untilParam: inc.until_param }),
          inclusive: inc.inclusive ?? defaultOf(IncrementalSchema, 'inclusive'),
          required: inc.required ?? defaultOf(IncrementalSchema, 'required'),
          ...(inc.slice && { slice: this.slice(inc.slice, format) }),
          lookbackMs:
            (inc.lookback_seconds ?? defaultOf(IncrementalSchema, 'lookback_seconds')) * 1000,
          visibilityDelayMs:
            (inc.visibility_delay_seconds ??
              defaultOf(IncrementalSchema, 'visibility_delay_seconds')) * 1000,
          precisionMs: updatePrecisionMs(
            stream.fields.updated_at?.format,
            inc.until_param ? format : undefined,
          ),
        },
      };
    }
    if (m.contacts.enrich) {
      contacts = { ...contacts, enrichments: this.enrichments(m.contacts.enrich) };
    }
    return contacts;
  }

  /** `interactions`: the contact lookups (by id, email, phone forms) and the streams. */
  protected interactions(): CompiledManifest['interactions'] {
    const i = this.m.interactions;
    if (!i) return undefined;
    const lookup = (key: 'by_id' | 'by_email' | 'by_phone'): CompiledLookup | undefined => {
      const spec: LookupSpec | undefined = i.contact?.[key];
      if (!spec) return undefined;
      const where = `interactions.contact.${key}`;
      if (key !== 'by_phone' && (spec.phone_forms || spec.last_digits !== undefined)) {
        this.fail(where, '`phone_forms` and `last_digits` belong to by_phone');
      }
      if (spec.phone_forms && !JSON.stringify(spec.request).includes('lookup.phone_form')) {
        this.fail(
          `${where}.request`,
          'with `phone_forms`, the request must use {{ lookup.phone_form }}',
        );
      }
      return {
        where,
        request: this.request(`${where}.request`, spec.request, ROOTS.lookupRequest),
        selector: this.path(`${where}.record_selector`, spec.record_selector ?? ''),
        notFound: new Set(spec.not_found_statuses ?? defaultOf(LookupSchema, 'not_found_statuses')),
        ...(spec.phone_forms && { phoneForms: spec.phone_forms }),
        ...(spec.phone_forms && {
          lastDigits: spec.last_digits ?? defaultOf(LookupSchema, 'last_digits'),
        }),
      };
    };
    return {
      types: i.types,
      byId: lookup('by_id'),
      byEmail: lookup('by_email'),
      byPhone: lookup('by_phone'),
      idField: this.path(
        'interactions.contact.id_field',
        i.contact?.id_field ?? defaultOf(InteractionsContactSchema, 'id_field'),
      ),
      notFound: new Set(
        i.not_found_statuses ?? defaultOf(InteractionsSchema, 'not_found_statuses'),
      ),
      streams: i.streams.map((s, n) => {
        const where = `interactions.streams[${n}]`;
        for (const type of s.types) {
          if (!i.types.includes(type)) {
            this.fail(`${where}.types`, `"${type}" is not one of interactions.types`);
          }
        }
        if (s.types.length > 1 && !s.fields.type) {
          this.fail(`${where}.fields.type`, 'is required when the stream yields several types');
        }
        const forEach = s.for_each && this.forEach(where, s.for_each, i.streams);
        return {
          ...(s.for_each
            ? this.stream(where, s, ROOTS.childStreamRequest, ROOTS.childRecordValue)
            : this.stream(where, s, ROOTS.streamRequest)),
          types: s.types,
          maxPages: s.max_pages ?? defaultOf(InteractionStreamSchema, 'max_pages'),
          ...(forEach && { forEach }),
        };
      }),
    };
  }

  /** A stream read for each record of another: named, and itself read once per contact. */
  private forEach(
    where: string,
    spec: NonNullable<InteractionStreamSpec['for_each']>,
    streams: InteractionStreamSpec[],
  ): { stream: number; maxRecords: number } | undefined {
    const named = streams.map((s) => s.name);
    if (new Set(named.filter(Boolean)).size !== named.filter(Boolean).length) {
      this.fail('interactions.streams', 'two streams have the same name');
    }
    const index = named.indexOf(spec.stream);
    if (index < 0) {
      this.fail(`${where}.for_each.stream`, `no stream is named "${spec.stream}"`);
      return undefined;
    }
    if (streams[index].for_each) {
      this.fail(`${where}.for_each.stream`, `"${spec.stream}" is itself read for each record`);
      return undefined;
    }
    return {
      stream: index,
      maxRecords: spec.max_records ?? defaultOf(ForEachSchema, 'max_records'),
    };
  }

  private slice(spec: NonNullable<IncrementalSpec['slice']>, format: string): CompiledSlice {
    const where = 'contacts.incremental.slice';
    const stepMs = spec.step_seconds * 1000;
    const maxStepMs = spec.max_step_seconds === undefined ? Infinity : spec.max_step_seconds * 1000;
    if (stepMs % granularityMs(format) !== 0) {
      this.fail(`${where}.step_seconds`, `must be a multiple of what "${format}" can say`);
    }
    if (maxStepMs < stepMs) this.fail(`${where}.max_step_seconds`, 'is less than step_seconds');
    const startMs = Date.parse(spec.start ?? defaultOf(SliceSchema, 'start'));
    if (!Number.isFinite(startMs)) this.fail(`${where}.start`, 'is not a date and time');
    return { stepMs, maxStepMs, maxRecords: spec.max_records, startMs };
  }

  private enrichments(spec: NonNullable<ContactsSpec['enrich']>): CompiledEnrichment[] {
    return Object.entries(spec).flatMap(([field, e]) => {
      if (!e) return [];
      const where = `contacts.enrich.${field}`;
      if (!(this.m.contacts?.fields as Record<string, unknown> | undefined)?.[field]) {
        this.fail(where, `enriches contacts.fields.${field}, which is not mapped`);
      }
      return [
        {
          where,
          field: field as EnrichableField,
          request: this.request(`${where}.request`, e.request, ROOTS.enrichRequest),
          value: this.path(`${where}.value`, e.value),
          notFound: new Set(
            e.not_found_statuses ?? defaultOf(EnrichmentSchema, 'not_found_statuses'),
          ),
          cacheSize: e.cache_size ?? defaultOf(EnrichmentSchema, 'cache_size'),
          maxRequests: e.max_requests ?? defaultOf(EnrichmentSchema, 'max_requests'),
        },
      ];
    });
  }
}
