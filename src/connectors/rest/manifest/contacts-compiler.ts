import {
  CompiledEnrichment,
  CompiledManifest,
  CompiledSlice,
  CompiledStream,
  EnrichableField,
} from './compiled';
import { granularityMs, isDateFormat, updatePrecisionMs } from './dates';
import { ContactsSpec, IncrementalSpec } from './manifest.types';
import { PartsCompiler, ROOTS } from './parts-compiler';
import { EnrichmentSchema } from './schema/records';
import { defaultOf } from './schema/schema-builder';
import { IncrementalSchema, SliceSchema } from './schema/streams';

type CompiledContacts = NonNullable<CompiledManifest['contacts']>;

/** The `contacts` section: its stream, incremental reading, full-sync listing and enrichments. */
export class ContactsCompiler extends PartsCompiler {
  protected contacts(spec: ContactsSpec): CompiledContacts {
    const stream = this.stream('contacts', spec, ROOTS.listRequest);
    const inc = spec.incremental;
    let compiled: CompiledContacts = stream;
    if (inc) {
      const format = inc.format ?? defaultOf(IncrementalSchema, 'format');
      if (!isDateFormat(format)) {
        this.fail('contacts.incremental.format', `"${format}" is not a date format`);
      }
      if (!spec.fields.updated_at) {
        this.fail('contacts.fields.updated_at', 'is required with contacts.incremental');
      }
      const usesSince = this.requestReads(stream.request, 'since');
      if (!inc.param && !usesSince) {
        this.fail(
          'contacts.incremental',
          'needs `param`, or a request template that uses {{ since }}',
        );
      }
      if (inc.max_results !== undefined) this.checkMaxResults(inc, stream);
      compiled = {
        ...stream,
        incremental: {
          ...(inc.param && { param: inc.param }),
          paramIn: inc.param_in ?? defaultOf(IncrementalSchema, 'param_in'),
          format,
          ...(inc.until_param && { untilParam: inc.until_param }),
          inclusive: inc.inclusive ?? defaultOf(IncrementalSchema, 'inclusive'),
          required: inc.required ?? defaultOf(IncrementalSchema, 'required'),
          ...(inc.slice && { slice: this.slice(inc.slice, format) }),
          ...(inc.max_results !== undefined && { maxResults: inc.max_results }),
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
    if (spec.full_sync) {
      const where = 'contacts.full_sync';
      if (!inc) {
        this.fail(
          where,
          'applies with contacts.incremental: without it, contacts.request lists every contact',
        );
      }
      // The records are the same contacts: they are mapped with contacts.fields.
      compiled = {
        ...compiled,
        fullSync: {
          ...this.stream(where, { ...spec.full_sync, fields: {} }, ROOTS.fullListRequest),
          fields: stream.fields,
        },
      };
    }
    if (spec.enrich) compiled = { ...compiled, enrichments: this.enrichments(spec.enrich) };
    return compiled;
  }

  /** A window restart asks for the next page only while it fits: the page's size must be known. */
  private checkMaxResults(inc: IncrementalSpec, stream: CompiledStream): void {
    const where = 'contacts.incremental.max_results';
    const pageSize = stream.paginator.pageSize;
    if (inc.slice) this.fail(where, 'does not apply to slices (read whole): use slice.max_records');
    if (pageSize === undefined) {
      this.fail(
        'contacts.paginator.page_size',
        'is needed with contacts.incremental.max_results: the query is restarted before a page would pass the cap',
      );
    } else if (pageSize > inc.max_results!) {
      this.fail(where, `is less than one page (contacts.paginator.page_size ${pageSize})`);
    }
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
