import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorDefinition } from '../src/talkdesk/contract/errors';
import { useTestApp } from './support/test-app';

const PATHS: Record<string, string> = {
  '/auth/validate': 'post',
  '/contacts/sync': 'post',
  '/agents/sync': 'post',
  '/interactions/retrieve': 'post',
  '/actions/{name}': 'post',
  '/integration/configuration': 'get',
  '/integration/actions': 'get',
  '/health/live': 'get',
  '/health/ready': 'get',
  '/metrics': 'get',
};

describe('API documentation', () => {
  const t = useTestApp();

  it('serves Swagger UI as HTML at /docs', async () => {
    const res = await t.get('/docs');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    expect(res.payload).toMatch(/<html/i);
    expect(res.payload).toContain('swagger');
  });

  it('serves the OpenAPI document at /docs-json listing every path with its method', async () => {
    const res = await t.get('/docs-json');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(Object.keys(PATHS)));
    for (const [path, method] of Object.entries(PATHS)) {
      expect(res.body.paths[path]).toHaveProperty(method);
    }
  });

  it('documents /metrics as Prometheus text', async () => {
    const { body } = await t.get('/docs-json');
    expect(Object.keys(body.paths['/metrics'].get.responses['200'].content)).toEqual([
      'text/plain',
    ]);
  });

  it('documents a JSON request body for every webhook and the error responses', async () => {
    const { body } = await t.get('/docs-json');
    for (const [path, method] of Object.entries(PATHS)) {
      if (method !== 'post') continue;
      const operation = body.paths[path].post;
      expect(operation.requestBody.content).toHaveProperty('application/json');
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '401']));
    }
  });
});

describe('the OpenAPI document a stranger can read', () => {
  const t = useTestApp();
  let spec: any;
  beforeAll(async () => {
    spec = (await t.get('/docs-json')).body;
  });
  const webhooks = () =>
    Object.entries(PATHS)
      .filter(([, method]) => method === 'post')
      .map(([path]) => ({ path, operation: spec.paths[path].post }));

  it("states package.json's version and links Talkdesk's documentation", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    expect(spec.info.version).toBe(pkg.version);
    expect(spec.externalDocs.url).toMatch(/^https:\/\/docs\.talkdesk\.com\//);
  });

  it('names schemas without the Dto suffix, and every reference resolves', () => {
    const names = Object.keys(spec.components.schemas);
    expect(names).toEqual(expect.arrayContaining(['Contact', 'ErrorResponse']));
    expect(names.filter((name) => name.endsWith('Dto'))).toEqual([]);
    const refs = [...JSON.stringify(spec).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, name] of refs) expect(names).toContain(name);
  });

  it('lists the tags in the order Talkdesk calls the webhooks, then configuration and operations', () => {
    const tags = spec.tags.map((tag: { name: string }) => tag.name);
    const tagOf = (path: string, method: string): string => spec.paths[path][method].tags[0];
    expect(tags).toEqual([
      tagOf('/auth/validate', 'post'),
      tagOf('/contacts/sync', 'post'),
      tagOf('/agents/sync', 'post'),
      tagOf('/interactions/retrieve', 'post'),
      tagOf('/actions/{name}', 'post'),
      tagOf('/integration/configuration', 'get'),
      tagOf('/health/ready', 'get'),
    ]);
    expect(tagOf('/metrics', 'get')).toBe(tags[6]);
    // Every operation's tag is listed, so none is shown out of order.
    for (const methods of Object.values(spec.paths) as Record<string, any>[]) {
      for (const operation of Object.values(methods)) {
        expect(tags).toEqual(expect.arrayContaining(operation.tags));
      }
    }
  });

  it('gives every error status of every webhook its own examples, each with a code of that status', () => {
    const seen = new Map<string, string>();
    for (const { path, operation } of webhooks()) {
      const statuses = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
      expect(statuses).toEqual(
        expect.arrayContaining([
          '400',
          '401',
          '403',
          '413',
          '415',
          '429',
          '500',
          '502',
          '503',
          '504',
        ]),
      );
      for (const status of statuses) {
        const examples = operation.responses[status].content['application/json'].examples;
        expect([path, status, Object.keys(examples ?? {}).length > 0]).toEqual([
          path,
          status,
          true,
        ]);
        for (const [name, example] of Object.entries(examples) as [string, any][]) {
          const { code, message, request_id } = example.value;
          expect(name).toBe(code);
          expect([path, code, errorDefinition(code).status]).toEqual([path, code, Number(status)]);
          expect(typeof message).toBe('string');
          expect(typeof request_id).toBe('string');
          // One message never stands for two statuses.
          expect(seen.get(message) ?? status).toBe(status);
          seen.set(message, status);
        }
      }
    }
    expect(
      spec.paths['/contacts/sync'].post.responses['400'].content['application/json'].examples,
    ).toHaveProperty('offset_unreadable');
    expect(
      spec.paths['/actions/{name}'].post.responses['404'].content['application/json'].examples,
    ).toHaveProperty('action_unknown');
  });

  it('types context as one schema, any JSON value, in the request and the response', () => {
    const request = spec.components.schemas.ContactSyncMeta.properties.context;
    const response = spec.components.schemas.SyncContactsResponse.properties.context;
    const shape = ({ description: _d, ...schema }: Record<string, unknown>) => schema;
    expect(shape(response)).toEqual(shape(request));
    expect(request.type).toBeUndefined();
    const types = request.oneOf.map((branch: { type: string }) => branch.type).sort();
    expect(types).toEqual(['array', 'boolean', 'number', 'object', 'string']);
  });

  it('describes every field of a contact and of the integration configuration', () => {
    for (const name of [
      'Contact',
      'CustomField',
      'IntegrationConfiguration',
      'AuthenticationField',
      'ActionConfiguration',
      'ActionInput',
    ]) {
      const properties = Object.entries(spec.components.schemas[name].properties) as [
        string,
        any,
      ][];
      const undescribed = properties.filter(([, p]) => !p.description).map(([key]) => key);
      expect([name, undescribed]).toEqual([name, []]);
    }
  });

  it('gives POST /actions/{name} one example per declared action, path and body agreeing', async () => {
    const actions = (await t.get('/integration/actions')).body as {
      name: string;
      inputs: { key: string; mandatory: boolean }[];
    }[];
    const operation = spec.paths['/actions/{name}'].post;
    const parameter = operation.parameters.find((p: any) => p.in === 'path' && p.name === 'name');
    const bodies = operation.requestBody.content['application/json'].examples;
    const names = actions.map((a) => a.name).sort();
    expect(Object.keys(parameter.examples).sort()).toEqual(names);
    expect(Object.keys(bodies).sort()).toEqual(names);
    for (const action of actions) {
      expect(parameter.examples[action.name].value).toBe(action.name);
      const { data } = bodies[action.name].value;
      for (const input of action.inputs.filter((i) => i.mandatory)) {
        expect([action.name, input.key, data[input.key] !== undefined]).toEqual([
          action.name,
          input.key,
          true,
        ]);
      }
    }
  });
});

describe('the OpenAPI document of a REST connector', () => {
  const t = useTestApp({
    connector: 'rest',
    connectorManifest: 'connectors/helpdesk.yaml',
    connectorBaseUrl: 'http://127.0.0.1:9',
  });

  it("gives POST /actions/{name} the manifest's actions as examples", async () => {
    const spec = (await t.get('/docs-json')).body;
    const actions = (await t.get('/integration/actions')).body as { name: string }[];
    expect(actions.length).toBeGreaterThan(0);
    const operation = spec.paths['/actions/{name}'].post;
    expect(Object.keys(operation.requestBody.content['application/json'].examples).sort()).toEqual(
      actions.map((a) => a.name).sort(),
    );
  });
});
