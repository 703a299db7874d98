import { ConnectorPort } from '../src/connectors/ports';
import { expectError, expectJson } from './support/talkdesk';
import { useTestApp } from './support/test-app';

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
    expect(res.body.info.external_system).toEqual({ status: 'up', connector: 'sql' });
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
