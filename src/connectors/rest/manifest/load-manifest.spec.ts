import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError } from '../../../common/config-error';
import { compileManifest, loadManifest, ManifestError } from './load-manifest';

const valid = () => ({
  version: 1,
  name: 'demo',
  talkdesk: { authentication_fields: [{ field_name: 'api_key', display: 'API key' }] },
  connection: { base_url: 'https://api.example.com' },
  authentication: { type: 'api_key', in: 'header', name: 'x-api-key', value: '{{ auth.api_key }}' },
  contacts: {
    request: { path: '/contacts' },
    record_selector: 'items',
    paginator: { type: 'page_number', page_size: 50, page_size_param: 'per_page' },
    fields: { id: 'id', name: 'name' },
  },
});

/** The mistakes a manifest is refused for, one per line. */
function mistakesOf(document: unknown): string[] {
  try {
    compileManifest(document, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^\s+- /, ''));
  }
  throw new Error('the manifest was accepted');
}

describe('loading connector manifests', () => {
  it('every example manifest of the repository loads', () => {
    // (manifest.schema.json is the manifests' JSON Schema, not a manifest.)
    const files = readdirSync('connectors').filter(
      (f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('.schema.json'),
    );
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) expect(() => loadManifest(join('connectors', file))).not.toThrow();
  });

  it('refuses one pacing key with two limits', () => {
    const m: any = valid();
    m.contacts.request.pacing = { requests: 1, interval_ms: 250, key: 'search' };
    m.agents = {
      request: { path: '/agents', pacing: { requests: 2, interval_ms: 250, key: 'search' } },
      record_selector: 'items',
      fields: { id: 'id', name: 'name', email: 'email' },
    };
    expect(mistakesOf(m)).toContain(
      'agents.request.pacing: shares the key "search" with contacts.request.pacing, which allows 1 per 250 ms: one key, one limit',
    );
    m.agents.request.pacing.requests = 1;
    expect(compileManifest(m, 'test.yaml').agents?.request.pacing).toEqual({
      requests: 1,
      intervalMs: 250,
      key: 'search',
    });
  });

  it('HubSpot: every CRM search request shares one pacing key, and only they', () => {
    const m = loadManifest('connectors/hubspot.yaml');
    const requests: { where: string; path: string; pacing?: object }[] = [];
    const visit = (value: unknown): void => {
      if (!value || typeof value !== 'object') return;
      const r = value as {
        where?: unknown;
        method?: unknown;
        path?: { source?: string };
        pacing?: object;
      };
      if (typeof r.where === 'string' && typeof r.method === 'string') {
        requests.push({ where: r.where, path: r.path?.source ?? '', pacing: r.pacing });
      }
      for (const child of Object.values(value)) visit(child);
    };
    visit(m);
    const searches = requests.filter((r) => r.path.endsWith('/search'));
    // The contacts search of incremental syncs, the lookups by email and phone, four types.
    expect(new Set(searches.map((r) => r.where)).size).toBe(7);
    for (const r of searches) {
      expect([r.where, r.pacing]).toEqual([
        r.where,
        { requests: 1, intervalMs: 250, key: 'crm-search' },
      ]);
    }
    expect(requests.filter((r) => !r.path.endsWith('/search') && r.pacing)).toEqual([]);
  });

  it('accepts a small valid manifest', () => {
    const m = compileManifest(valid(), 'test.yaml');
    expect(m.contacts?.paginator.type).toBe('page_number');
    expect(m.contacts?.incremental).toBeUndefined();
    expect(m.authenticationType).toBe('custom');
  });

  it('refuses a window restart it cannot plan and a full-sync listing it cannot use', () => {
    const capped: any = valid();
    capped.contacts.paginator = { type: 'cursor', cursor_path: 'next' };
    capped.contacts.incremental = { param: 'since', max_results: 100 };
    capped.contacts.fields.updated_at = 'updated';
    expect(mistakesOf(capped)).toContain(
      'contacts.paginator.page_size: is needed with contacts.incremental.max_results: the query is restarted before a page would pass the cap',
    );
    capped.contacts.paginator.page_size = 200;
    expect(mistakesOf(capped)).toContain(
      'contacts.incremental.max_results: is less than one page (contacts.paginator.page_size 200)',
    );
    const listing: any = valid();
    listing.contacts.full_sync = { request: { path: '/all', query: { from: '{{ since }}' } } };
    const mistakes = mistakesOf(listing);
    expect(mistakes).toContain(
      'contacts.full_sync: applies with contacts.incremental: without it, contacts.request lists every contact',
    );
    expect(mistakes.some((m) => m.startsWith('contacts.full_sync.request.query.from'))).toBe(true);
  });

  it('names the path of every mistake and what was expected', () => {
    const m: any = valid();
    m.contacts.paginator.type = 'pages';
    m.contacts.fields.emial = 'email';
    delete m.contacts.fields.id;
    m.authentication.in = 'cookie';
    m.connection.timeout = 5;
    m.actions = [
      { name: 'bad name', display: 'X', description: 'Y', request: { method: 'FETCH' } },
    ];
    expect(mistakesOf(m).sort()).toEqual(
      [
        'actions[0].name: must match pattern "^[A-Za-z0-9_-]+$"',
        'actions[0].request.method: must be one of GET, POST, PUT, PATCH, DELETE (got "FETCH")',
        'authentication.in: must be one of header, query (got "cookie")',
        'connection.timeout: unknown key (expected one of: base_url, allowed_hosts, headers, max_response_bytes)',
        'contacts.fields.emial: unknown key (expected one of: id, updated_at, name, title, company, emails, phones, websites, photo_url, address, twitter, url, custom_fields)',
        'contacts.fields.id: is required',
        'contacts.paginator.type: must be one of none, page_number, offset, cursor, link_header, next_url (got "pages")',
      ].sort(),
    );
  });

  it('explains type-specific requirements', () => {
    const m: any = valid();
    m.contacts.paginator = { type: 'cursor' };
    m.authentication = { type: 'basic', username: '{{ auth.api_key }}' };
    expect(mistakesOf(m).sort()).toEqual([
      'authentication.password: is required',
      'contacts.paginator: needs cursor_path or cursor_header',
    ]);
  });

  it('checks templates, paths, expressions and cross-references', () => {
    const m: any = valid();
    m.connection.base_url = 'ftp://{{ auth.host }}';
    m.contacts.request.query = { q: '{{ process.env.SECRET }}' };
    m.contacts.fields.name = { expression: '$eval("1")' };
    m.contacts.fields.title = { path: 'a.__proto__' };
    m.contacts.fields.company = { path: 'company', template: '{{ record.company }}' };
    m.contacts.incremental = { format: 'sometime' };
    m.credential_check = {
      request: { path: '/me' },
      fields_to_store: { api_key: 'key' },
    };
    expect(mistakesOf(m).sort()).toEqual([
      'connection.base_url: must start with http:// or https:// (got "ftp://{{ auth.host }}")',
      'connection.base_url: {{ auth.host }} reads auth.host, which is not an authentication field (declared: api_key)',
      'contacts.fields.company: give only one of path, template',
      'contacts.fields.name.expression: $eval is not allowed in expressions ("$eval("1")")',
      'contacts.fields.title.path: path "a.__proto__" names "__proto__", which is not allowed',
      'contacts.fields.updated_at: is required with contacts.incremental',
      'contacts.incremental.format: "sometime" is not a date format',
      'contacts.incremental: needs `param`, or a request template that uses {{ since }}',
      'contacts.request.query.q: "{{ process.env.SECRET }}" in "{{ process.env.SECRET }}" must start with one of: auth, limit, since, until',
      'credential_check.fields_to_store.api_key: must be declared in talkdesk.authentication_fields with source auth_validation',
    ]);
  });

  it('checks streams read for each record of another', () => {
    const stream = (extra: object) => ({
      types: ['note'],
      request: { path: '/tickets/{{ parent.id }}/comments' },
      fields: { id: 'id', date: 'created_at', subject: { template: '{{ parent.subject }}' } },
      ...extra,
    });
    const m: any = valid();
    m.interactions = {
      types: ['ticket', 'note'],
      streams: [
        {
          name: 'tickets',
          types: ['ticket'],
          request: { path: '/tickets' },
          fields: { id: 'id', date: 'at' },
        },
        stream({ for_each: { stream: 'tickets', max_records: 3 } }),
      ],
    };
    const compiled = compileManifest(m, 'test.yaml');
    expect(compiled.interactions?.streams[1].forEach).toEqual({ stream: 0, maxRecords: 3 });
    expect(compiled.interactions?.streams[0].forEach).toBeUndefined();

    m.interactions.streams = [
      { ...m.interactions.streams[0], request: { path: '/tickets/{{ parent.id }}' } },
      stream({ name: 'notes', for_each: { stream: 'nothing' } }),
      stream({ for_each: { stream: 'notes' } }),
    ];
    expect(mistakesOf(m).sort()).toEqual([
      'interactions.streams[0].request.path: "{{ parent.id }}" in "/tickets/{{ parent.id }}" must start with one of: auth, contact, lookup, limit',
      'interactions.streams[1].for_each.stream: no stream is named "nothing"',
      'interactions.streams[2].for_each.stream: "notes" is itself read for each record',
    ]);
  });

  it('reads YAML and JSON files, and reports unreadable ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    try {
      writeFileSync(join(dir, 'ok.yaml'), stringify(valid()));
      writeFileSync(join(dir, 'ok.json'), JSON.stringify(valid()));
      writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nname: [unclosed\n');
      writeFileSync(join(dir, 'dup.yaml'), 'version: 1\nversion: 1\n');
      writeFileSync(join(dir, 'bad.json'), '{"version": 1,');
      expect(loadManifest(join(dir, 'ok.yaml')).name).toBe('demo');
      expect(loadManifest(join(dir, 'ok.json')).name).toBe('demo');
      expect(() => loadManifest(join(dir, 'bad.yaml'))).toThrow(/is not valid YAML/);
      expect(() => loadManifest(join(dir, 'dup.yaml'))).toThrow(/is not valid YAML/);
      expect(() => loadManifest(join(dir, 'bad.json'))).toThrow(/is not JSON/);
      expect(() => loadManifest(join(dir, 'missing.yaml'))).toThrow(/cannot be read: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CONNECTOR_BASE_URL replaces the base URL', () => {
    const m = compileManifest(valid(), 'test.yaml', {
      baseUrl: 'http://127.0.0.1:9/{{ auth.api_key }}',
    });
    expect(m.baseUrl.source).toBe('http://127.0.0.1:9/{{ auth.api_key }}');
  });
});
