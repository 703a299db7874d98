import { expectJson } from './support/talkdesk';
import { DEMO, useTestApp } from './support/test-app';

describe('GET /integration/*', () => {
  const BASE = 'https://bridge.example.test/talkdesk';
  // A trailing slash must not double up in the URLs.
  const t = useTestApp({ publicBaseUrl: `${BASE}/`, integrationName: 'acme_crm' });

  describe('configuration', () => {
    it('answers 200 JSON with the mandatory strings', async () => {
      const res = await t.get('/integration/configuration');
      expect(res.status).toBe(200);
      expectJson(res);
      expect(res.body).toEqual(
        expect.objectContaining({
          name: 'acme_crm',
          display_name: t.config.integrationDisplayName,
          description: t.config.integrationDescription,
          logo_url: `${BASE}/integration/logo.svg`,
          icon_url: `${BASE}/integration/logo.svg`,
          authentication_type: 'custom',
        }),
      );
    });

    it('builds every endpoint URL from PUBLIC_BASE_URL', async () => {
      const { body } = await t.get('/integration/configuration');
      expect(body.auth_validation_endpoint).toBe(`${BASE}/auth/validate`);
      expect(body.contact_synchronization_url).toBe(`${BASE}/contacts/sync`);
      expect(body.agent_synchronization_url).toBe(`${BASE}/agents/sync`);
      expect(body.interaction_retrieval_url).toBe(`${BASE}/interactions/retrieve`);
      expect(body.interaction_types).toEqual(['ticket', 'note', 'call']);
    });

    it('declares the authentication fields Talkdesk must ask for and send in auth', async () => {
      const { body } = await t.get('/integration/configuration');
      expect(body.authentication_fields.map((f: any) => f.field_name)).toEqual(Object.keys(DEMO));
      for (const field of body.authentication_fields) {
        expect(['input', 'default', 'auth_validation']).toContain(field.source);
        expect(['input', 'oauth']).toContain(field.type);
        expect(typeof field.display).toBe('string');
        expect(typeof field.mandatory).toBe('boolean');
        expect(typeof field.store).toBe('boolean');
      }
    });

    it('serves the logo it points at', async () => {
      const res = await t.get('/integration/logo.svg');
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^image\/svg\+xml/);
      expect(res.payload).toContain('<svg');
    });
  });

  describe('actions', () => {
    it('answers 200 JSON with provider, name, display, description, endpoint and inputs for each action', async () => {
      const res = await t.get('/integration/actions');
      expect(res.status).toBe(200);
      expectJson(res);
      expect(res.body.map((a: any) => a.name)).toEqual([
        'create_ticket',
        'log_call',
        'create_contact',
      ]);
      for (const action of res.body) {
        expect(Object.keys(action).sort()).toEqual(
          ['description', 'display', 'endpoint', 'inputs', 'name', 'provider'].sort(),
        );
        expect(action.provider).toBe('acme_crm');
        expect(action.endpoint).toBe(`${BASE}/actions/${action.name}`);
        expect(action.display.length).toBeGreaterThan(0);
        expect(action.description.length).toBeGreaterThan(0);
        expect(action.inputs.length).toBeGreaterThan(0);
        for (const input of action.inputs) {
          expect(Object.keys(input).sort()).toEqual(['key', 'mandatory', 'name']);
          expect(typeof input.key).toBe('string');
          expect(typeof input.name).toBe('string');
          expect(typeof input.mandatory).toBe('boolean');
        }
      }
    });

    it('marks the inputs the bridge requires as mandatory', async () => {
      const { body } = await t.get('/integration/actions');
      const mandatory = Object.fromEntries(
        body.map((a: any) => [
          a.name,
          a.inputs.filter((i: any) => i.mandatory).map((i: any) => i.key),
        ]),
      );
      expect(mandatory).toEqual({
        create_ticket: ['subject'],
        log_call: ['subject'],
        create_contact: ['name'],
      });
    });

    it('points every action at an endpoint the bridge serves', async () => {
      const { body } = await t.get('/integration/actions');
      for (const action of body) {
        const path = new URL(action.endpoint).pathname.slice(new URL(BASE).pathname.length);
        const res = await t.post(path, { auth: { ...DEMO, password: 'wrong' }, data: {} });
        // Reached the action (which checks the credentials), not a 404.
        expect(res.status).toBe(401);
      }
    });
  });
});
