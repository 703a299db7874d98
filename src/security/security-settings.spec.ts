import { loadConfig } from '../config/app-config';

describe('security and resilience settings', () => {
  it('has protections that need a value off, and the rate limit on, by default', () => {
    const config = loadConfig({});
    expect(config.bridgeToken).toBeUndefined();
    expect(config.ipAllowlist).toBeUndefined();
    expect(config.trustProxy).toBe('false');
    expect(config.redisUrl).toBeUndefined();
    expect(config.tlsCertFile).toBeUndefined();
    expect(config.interactionsCacheSeconds).toBe(0);
    // Just above a retry after Talkdesk's 10 s timeout: two real, identical actions minutes apart stay two.
    expect(config.idempotencyWindowSeconds).toBe(15);
    expect(config.rateLimitMax).toBe(6000);
    expect(config.rateLimitWindowSeconds).toBe(60);
  });

  it('refuses a short BRIDGE_TOKEN without repeating it', () => {
    let message = '';
    try {
      loadConfig({ BRIDGE_TOKEN: 'short-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('BRIDGE_TOKEN');
    expect(message).not.toContain('short-secret');
  });

  it('names a bad IP_ALLOWLIST, TRUST_PROXY or REDIS_URL', () => {
    expect(() => loadConfig({ IP_ALLOWLIST: '10.0.0.0/8, nonsense' })).toThrow('IP_ALLOWLIST');
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow('TRUST_PROXY');
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow('REDIS_URL');
    expect(() => loadConfig({ INTERACTIONS_CACHE_SECONDS: '3600' })).toThrow(
      'INTERACTIONS_CACHE_SECONDS',
    );
  });

  it('reads the settings from the environment', () => {
    const config = loadConfig({
      BRIDGE_TOKEN: 'a-long-shared-secret-value',
      IP_ALLOWLIST: '10.0.0.0/8,192.0.2.1',
      TRUST_PROXY: '1',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      RATE_LIMIT_MAX: '0',
      INTERACTIONS_CACHE_SECONDS: '30',
    });
    expect(config).toMatchObject({
      bridgeToken: 'a-long-shared-secret-value',
      ipAllowlist: '10.0.0.0/8,192.0.2.1',
      trustProxy: '1',
      redisUrl: 'redis://127.0.0.1:6379/0',
      rateLimitMax: 0,
      interactionsCacheSeconds: 30,
    });
  });
});
