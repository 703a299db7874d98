import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/app-config';
import { DEMO, startTestApp, TestApp } from './support/test-app';

/** A self-signed certificate for localhost, made with the openssl command line. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert].concat([
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function send(
  url: string,
  body?: unknown,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      {
        method: payload ? 'POST' : 'GET',
        headers: payload ? { 'content-type': 'application/json' } : {},
        rejectUnauthorized: false,
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

describe('HTTPS served directly (TLS_CERT_FILE, TLS_KEY_FILE)', () => {
  let dir: string;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-tls-'));
    const { cert, key } = selfSignedCertificate(dir);
    t = await startTestApp({ tlsCertFile: cert, tlsKeyFile: key });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    base = `https://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers webhooks over HTTPS', async () => {
    const res = await send(`${base}/auth/validate`, { auth: DEMO });
    expect(res.status).toBe(204);
    const sync = await send(`${base}/contacts/sync`, { auth: DEMO });
    expect(sync.status).toBe(200);
    expect(JSON.parse(sync.body).contacts.length).toBeGreaterThan(0);
  });

  it('sends HSTS and asks browsers to upgrade sub-resources', async () => {
    const res = await send(`${base}/health/live`);
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  });

  it('does not speak plain HTTP on the TLS port', async () => {
    const plain = base.replace('https:', 'http:');
    const outcome = await send(`${plain}/health/live`).then(
      (res) => res.status,
      () => 'refused',
    );
    expect(outcome === 'refused' || outcome === 400).toBe(true);
  });
});

describe('TLS settings', () => {
  it('refuses a certificate without its key, and unreadable files, at start-up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-tls-config-'));
    try {
      const cert = join(dir, 'cert.pem');
      writeFileSync(cert, 'not really a certificate');
      expect(() => loadConfig({ TLS_CERT_FILE: cert })).toThrow(
        'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
      );
      expect(() =>
        loadConfig({ TLS_CERT_FILE: cert, TLS_KEY_FILE: join(dir, 'missing.pem') }),
      ).toThrow('TLS_KEY_FILE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
