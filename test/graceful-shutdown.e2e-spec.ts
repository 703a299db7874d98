import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '../src/connectors/sql/database';
import { DEMO } from './support/test-app';

const ROOT = resolve(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** The bridge as a real process, running its TypeScript sources. */
class BridgeProcess {
  readonly child: ChildProcess;
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Record<string, string>) {
    this.child = spawn(
      process.execPath,
      ['--no-warnings', '-r', './test/support/register-ts.js', 'src/main.ts'],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((done) =>
      this.child.once('exit', (code, signal) => done({ code, signal })),
    );
  }

  get log(): string {
    return this.output;
  }

  /** Resolves once the output matches `pattern`; fails after `timeoutMs` with the output so far. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    const started = Date.now();
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`exited early:\n${this.output}`);
      if (Date.now() - started > timeoutMs) {
        throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

describe('graceful shutdown (a real process)', () => {
  let dataDir: string;
  let bridge: BridgeProcess | undefined;
  let locker: BetterSqlite3.Database | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bridge-shutdown-'));
  });
  afterAll(async () => {
    if (locker?.inTransaction) locker.exec('rollback');
    locker?.close();
    if (bridge && bridge.child.exitCode === null) {
      bridge.child.kill('SIGKILL');
      await bridge.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('on SIGTERM: readiness fails at once, the request in flight completes, the process exits 0', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    bridge = new BridgeProcess({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: '20000',
      REQUEST_BUDGET_MS: '9000',
      // A write waits for the lock the test holds by retrying, well within the budget.
      UPSTREAM_RETRIES: '10',
      UPSTREAM_RETRY_BASE_MS: '50',
      UPSTREAM_RETRY_MAX_MS: '200',
      CIRCUIT_BREAKER_THRESHOLD: '100',
    });
    await bridge.waitFor(/Talkdesk bridge listening/);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    // Another writer holds the database: the action below is in flight, retrying.
    locker = new BetterSqlite3(join(dataDir, SQLITE_FILE_NAME));
    locker.exec('begin immediate');
    const action = fetch(`${base}/actions/create_contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: DEMO, data: { name: 'In Flight' } }),
    });
    await bridge.waitFor(/actions\.run failed \(The database is busy/);

    bridge.child.kill('SIGTERM');
    await bridge.waitFor(/SIGTERM received/);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ request_id: expect.any(String) });
    expect(bridge.child.exitCode).toBeNull();

    // The lock goes away; the request in flight completes normally.
    locker.exec('rollback');
    const res = await action;
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ contact_external_id: expect.stringMatching(/^\d+$/) });

    const { code, signal } = await bridge.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(bridge.log).toMatch(/All requests answered; exiting/);
  }, 90_000);
});
