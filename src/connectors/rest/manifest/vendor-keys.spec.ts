import { ManifestError, compileManifest, loadManifest } from './load-manifest';

/** The manifest keys real vendors need: how they load, and the mistakes refused at load. */

const base = () => ({
  version: 1,
  name: 'vendor',
  talkdesk: { authentication_fields: [{ field_name: 'api_key', display: 'API key' }] },
  connection: { base_url: 'https://api.example.com' },
  authentication: { type: 'api_key', in: 'header', name: 'x-api-key', value: '{{ auth.api_key }}' },
  contacts: {
    request: { path: '/contacts', query: { since: '{{ since }}' } },
    incremental: { format: 'date', slice: { step_seconds: 86400, max_records: 300 } },
    record_filter: [
      { path: 'role', in: ['end-user'] },
      { path: 'active', not_in: [false] },
    ],
    fields: { id: 'id', updated_at: 'updated_at', company: 'company_id' },
    enrich: { company: { request: { path: '/companies/{{ value }}' }, value: 'name' } },
  },
  agents: {
    request: { path: '/users', query: { 'role[]': ['agent', 'admin'] } },
    fields: { id: 'id', email: 'email' },
  },
  interactions: {
    types: ['ticket'],
    contact: {
      by_phone: {
        phone_forms: ['e164', 'national'],
        request: { path: '/search', query: { phone: '{{ lookup.phone_form }}' } },
      },
    },
    streams: [{ types: ['ticket'], request: { path: '/t' }, fields: { id: 'id', date: 'at' } }],
  },
});

function mistakesOf(document: unknown): string[] {
  try {
    compileManifest(document, 'vendor.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message
      .split('\n')
      .slice(1)
      .map((l) => l.replace(/^\s+- /, ''));
  }
  throw new Error('the manifest was accepted');
}

describe('vendor manifest keys', () => {
  it('compile: slices, record filter, enrichment, phone forms, repeated query parameters', () => {
    const m = compileManifest(base(), 'vendor.yaml');
    expect(m.contacts!.incremental!.slice).toEqual({
      stepMs: 86_400_000,
      maxStepMs: Infinity,
      maxRecords: 300,
      startMs: Date.UTC(2000, 0, 1),
    });
    expect(m.contacts!.incremental!.required).toBe(false);
    expect(m.contacts!.recordFilter!.conditions).toHaveLength(2);
    expect(m.contacts!.enrichments![0]).toMatchObject({
      field: 'company',
      cacheSize: 500,
      maxRequests: 25,
    });
    expect(m.interactions!.byPhone!.phoneForms).toEqual(['e164', 'national']);
    expect(m.interactions!.byPhone!.lastDigits).toBe(7);
    expect(m.agents!.request.query.map(([name]) => name)).toEqual(['role[]', 'role[]']);
  });

  it('refuses a slice step the date format cannot say, and a widest step below it', () => {
    const m = base();
    m.contacts.incremental.slice = {
      step_seconds: 3600,
      max_records: 300,
      max_step_seconds: 60,
    } as any;
    expect(mistakesOf(m)).toEqual([
      'contacts.incremental.slice.step_seconds: must be a multiple of what "date" can say',
      'contacts.incremental.slice.max_step_seconds: is less than step_seconds',
    ]);
  });

  it('refuses a record condition without in or not_in, and enriching an unmapped field', () => {
    const m = base();
    m.contacts.record_filter = [{ path: 'role' } as any];
    (m.contacts.enrich as any).title = { request: { path: '/t/{{ value }}' }, value: 'name' };
    expect(mistakesOf(m)).toEqual([
      'contacts.record_filter[0]: needs `in`, `not_in` or both',
      'contacts.enrich.title: enriches contacts.fields.title, which is not mapped',
    ]);
  });

  it('refuses phone forms outside by_phone, or a request that does not use them', () => {
    const m = base();
    (m.interactions.contact as any).by_email = {
      phone_forms: ['e164'],
      request: { path: '/search', query: { email: '{{ lookup.email }}' } },
    };
    m.interactions.contact.by_phone.request.query.phone = '{{ lookup.phone }}';
    expect(mistakesOf(m)).toEqual([
      'interactions.contact.by_email: `phone_forms`, `last_digits` and `phone_fields` belong to by_phone',
      'interactions.contact.by_email.request: with `phone_forms`, the request must use {{ lookup.phone_form }}',
      'interactions.contact.by_phone.request: with `phone_forms`, the request must use {{ lookup.phone_form }}',
    ]);
  });

  it('compiles the phone fields a by_phone lookup checks its candidates against', () => {
    const m = base();
    (m.interactions.contact.by_phone as any).phone_fields = ['phone', 'mobile.number'];
    const paths = compileManifest(m, 'test.yaml').interactions?.byPhone?.phoneFields;
    expect(paths?.map((p) => p.get({ phone: 'a', mobile: { number: 'b' } }))).toEqual(['a', 'b']);
    (m.interactions.contact.by_phone as any).phone_fields = ['a.__proto__'];
    expect(mistakesOf(m)).toEqual([
      'interactions.contact.by_phone.phone_fields[0]: path "a.__proto__" names "__proto__", which is not allowed',
    ]);
  });

  it('the vendor manifests load', () => {
    for (const name of ['zendesk', 'freshdesk', 'pipedrive']) {
      expect(loadManifest(`connectors/${name}.yaml`).name).toBe(name);
    }
  });
});
