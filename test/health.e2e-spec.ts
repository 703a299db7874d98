import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConnectorPort } from '../src/connectors/ports';
import { expectError, expectJson } from './support/talkdesk';
import { startTestApp, TestApp, useTestApp } from './support/test-app';
import { FakeHttpServer, json } from './support/upstreams/fake-http';

describe('GET /health/*', () => {
  const t = useTestApp();

  it('live answers 200 JSON', async () => {
    const res = await t.get('/health/live');
    expect(res.status).toBe(200);
    expectJson(res);
    expect(res.body.status).toBe('ok');
  });

  it('ready answers 200 JSON when the external system answers', async () => {
    const res = await t.get('/health/ready');
    expect(res.status).toBe(200);
    expectJson(res);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.external_system).toEqual({ status: 'up', connector: 'sql:example-crm' });
    expect(res.body.info.store).toEqual({ status: 'up', kind: 'memory' });
  });

  it('ready answers 503 JSON when the external system does not answer, and live stays 200', async () => {
    const connector = t.app.get<ConnectorPort>(ConnectorPort);
    const ping = jest.spyOn(connector, 'ping').mockRejectedValue(new Error('database is gone'));
    try {
      const res = await t.get('/health/ready');
      expectError(res, 503);
      expect(res.body.code).toBe('not_ready');
      expect(res.body.message).toBe('Not ready: external_system down');
      expect(res.body.details.external_system).toMatchObject({
        status: 'down',
        message: 'database is gone',
      });
      expect((await t.get('/health/live')).status).toBe(200);
    } finally {
      ping.mockRestore();
    }
    expect((await t.get('/health/ready')).status).toBe(200);
  });
});

describe('GET /health/ready with the REST connector and no health request in the manifest', () => {
  const upstream = new FakeHttpServer((_req, res) => json(res, 404, {}));
  const dir = mkdtempSync(join(tmpdir(), 'ready-'));
  const manifest = join(dir, 'no-health.yaml');
  writeFileSync(
    manifest,
    stringify({
      version: 1,
      name: 'no-health',
      talkdesk: { authentication_fields: [{ field_name: 'key', display: 'Key' }] },
      connection: { base_url: 'https://api.example.com' },
      authentication: { type: 'api_key', in: 'header', name: 'x-key', value: '{{ auth.key }}' },
      contacts: {
        request: { path: '/people' },
        record_selector: 'results',
        fields: { id: 'id', name: 'name' },
      },
    }),
  );
  let t: TestApp;

  beforeAll(async () => {
    await upstream.start();
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: manifest,
      connectorBaseUrl: upstream.origin,
    });
  });
  afterAll(async () => {
    await t?.close();
    await upstream.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is up while the upstream answers HTTP (any status), down once it refuses connections', async () => {
    const up = await t.get('/health/ready');
    expect(up.status).toBe(200);
    expect(upstream.requests.some((r) => r.method === 'HEAD')).toBe(true);

    await upstream.stop();
    const down = await t.get('/health/ready');
    expectError(down, 503);
    expect(down.body.code).toBe('not_ready');
    expect(down.body.details.external_system.status).toBe('down');
  });
});
