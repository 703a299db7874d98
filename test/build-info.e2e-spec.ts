import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePrometheus, Sample } from './support/prometheus';
import { startTestApp, TestApp } from './support/test-app';

const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
  version: string;
};

async function buildInfo(t: TestApp): Promise<Sample[]> {
  const res = await t.get('/metrics');
  expect(res.status).toBe(200);
  expect(res.payload).toMatch(/^# TYPE bridge_build_info gauge$/m);
  return parsePrometheus(res.payload).filter((s) => s.name === 'bridge_build_info');
}

describe('bridge_build_info', () => {
  it('is 1, labelled with the version, the commit, Node.js, the connector and no manifest (SQL)', async () => {
    const t = await startTestApp({ bridgeCommit: '3f2c9e1a' });
    try {
      expect(await buildInfo(t)).toEqual([
        {
          name: 'bridge_build_info',
          labels: {
            version,
            commit: '3f2c9e1a',
            node_version: process.version,
            connector: 'sql',
            manifest: 'example-crm',
          },
          value: 1,
        },
      ]);
    } finally {
      await t.close();
    }
  });

  it("names the REST connector's manifest, and an unknown commit as such", async () => {
    const t = await startTestApp({
      connector: 'rest',
      connectorManifest: 'connectors/helpdesk.yaml',
      connectorBaseUrl: 'http://127.0.0.1:9',
    });
    try {
      const [sample] = await buildInfo(t);
      expect(sample.labels).toEqual({
        version,
        commit: 'unknown',
        node_version: process.version,
        connector: 'rest',
        manifest: 'helpdesk',
      });
      expect(sample.value).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('bridge_token_secret_configured: 1 with TOKEN_SECRET, 0 when the secret is generated in DATA_DIR', async () => {
    const cases: [{ tokenSecret?: string }, number][] = [
      [{ tokenSecret: 'a-token-secret-of-32-characters-or-more' }, 1],
      [{}, 0],
    ];
    for (const [settings, expected] of cases) {
      const t = await startTestApp(settings);
      try {
        const res = await t.get('/metrics');
        const samples = parsePrometheus(res.payload).filter(
          (s) => s.name === 'bridge_token_secret_configured',
        );
        expect(samples).toEqual([
          { name: 'bridge_token_secret_configured', labels: {}, value: expected },
        ]);
      } finally {
        await t.close();
      }
    }
  });
});
