import { CompiledLookup, CompiledManifest } from './compiled';
import { ContactsCompiler } from './contacts-compiler';
import { InteractionStreamSpec, LookupSpec } from './manifest.types';
import { ROOTS } from './parts-compiler';
import { defaultOf } from './schema/schema-builder';
import {
  ForEachSchema,
  InteractionsContactSchema,
  InteractionsSchema,
  InteractionStreamSchema,
  LookupSchema,
} from './schema/streams';

/** The `interactions` section: the contact lookups (by id, email, phone forms) and the streams. */
export class InteractionsCompiler extends ContactsCompiler {
  protected interactions(): CompiledManifest['interactions'] {
    const i = this.m.interactions;
    if (!i) return undefined;
    const lookup = (key: 'by_id' | 'by_email' | 'by_phone'): CompiledLookup | undefined => {
      const spec: LookupSpec | undefined = i.contact?.[key];
      if (!spec) return undefined;
      const where = `interactions.contact.${key}`;
      if (
        key !== 'by_phone' &&
        (spec.phone_forms || spec.last_digits !== undefined || spec.phone_fields)
      ) {
        this.fail(where, '`phone_forms`, `last_digits` and `phone_fields` belong to by_phone');
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
        ...(spec.phone_fields && {
          phoneFields: spec.phone_fields.map((p, n) => this.path(`${where}.phone_fields[${n}]`, p)),
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
}
