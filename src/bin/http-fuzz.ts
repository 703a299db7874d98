import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../bootstrap';
import { loadConfig } from '../config/app-config';
import { fuzz } from '../tools/http-fuzz/http-fuzz';

/**
 * `npm run fuzz -- [requests] [seed]`: starts the bridge on a fresh SQLite database with the
 * demo data, sends it `requests` (10,000) fuzzed requests over raw sockets, and exits 1 when
 * an answer is outside the contract or the bridge stops answering.
 */
async function main(): Promise<number> {
  const requests = Number(process.argv[2] ?? 10_000);
  const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'bridge-fuzz-'));
  const app = await createApp(
    loadConfig(process.env, { dataDir, logLevel: 'silent', rateLimitMax: 0, authFailureLimit: 0 }),
  );
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const started = Date.now();
    const report = await fuzz({ port, requests, seed });
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    console.log(
      JSON.stringify(
        { seed, seconds: (Date.now() - started) / 1000, ...report, liveAfter: live.status },
        null,
        2,
      ),
    );
    return report.violations.length === 0 && live.status === 200 ? 0 : 1;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
