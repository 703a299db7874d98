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
