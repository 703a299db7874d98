import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DEMO } from './support/test-app';
import {
  createTestDatabase,
  HeldLock,
  lockContactsForWrites,
  TestDatabase,
} from './support/test-database';

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
  let database: TestDatabase;
  let bridge: BridgeProcess | undefined;
  let lock: HeldLock | undefined;
  /** The bridge on `port` over the test's database, logging every request, with 20 s of grace. */
  const bridgeEnv = (port: number) => ({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: database.dataDir,
    DATABASE_URL: database.url ?? '',
    LOG_LEVEL: 'info',
    SHUTDOWN_GRACE_MS: '20000',
  });

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await lock?.release();
    if (bridge && bridge.child.exitCode === null) {
      bridge.child.kill('SIGKILL');
      await bridge.exited;
    }
    await database.drop();
  });

  it('on SIGTERM: readiness fails at once, the request in flight completes, the process exits 0', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    bridge = new BridgeProcess({
      ...bridgeEnv(port),
      // A write waits up to 1 s for the lock (then fails and is retried): the lock the test
      // holds is taken the moment it is released, and a write stays in flight for most of the
      // budget however long the signal and the readiness check below take on a busy machine
      // (with 50 ms and random backoff of at most 200 ms, they had about 1.5 s).
      DATABASE_LOCK_TIMEOUT_MS: '1000',
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
    lock = await lockContactsForWrites(database);
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
    expect(await ready.json()).toMatchObject({ code: 'not_ready', request_id: expect.any(String) });
    expect(bridge.child.exitCode).toBeNull();

    // The lock goes away; the request in flight completes normally.
    const held = lock;
    lock = undefined;
    await held.release();
    const res = await action;
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ contact_external_id: expect.stringMatching(/^\d+$/) });

    const { code, signal } = await bridge.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(bridge.log).toMatch(/All requests answered; exiting/);
  }, 90_000);

  it('with LOG_SYNC=false, the lines still buffered are written before the process exits', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    bridge = new BridgeProcess({ ...bridgeEnv(port), LOG_SYNC: 'false' });
    await bridge.waitFor(/Talkdesk bridge listening/);
    const ids = Array.from({ length: 20 }, (_, i) => `flush-probe-${i}`);
    await Promise.all(
      ids.map(async (id) => {
        const res = await fetch(`${base}/agents/sync`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': id },
          body: JSON.stringify({ auth: DEMO }),
        });
        expect(res.status).toBe(200);
      }),
    );
    bridge.child.kill('SIGTERM');
    const { code } = await bridge.exited;
    expect(code).toBe(0);
    const completed = bridge.log
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; request_id?: string })
      .filter((entry) => entry.msg === 'request completed')
      .map((entry) => entry.request_id);
    expect(completed).toEqual(expect.arrayContaining(ids));
    expect(bridge.log).toMatch(/All requests answered; exiting/);
  }, 90_000);
});
