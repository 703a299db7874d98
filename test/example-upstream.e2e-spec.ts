import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { syncAgents, syncContacts } from './support/talkdesk';
import { startTestApp } from './support/test-app';
import { EXAMPLE_UPSTREAMS, NOT_SERVED_LOCALLY } from './support/upstreams/examples';

/** `npm run example:upstream -- <name> --port <port>`: the stand-ins a user runs to try the examples. */

const ROOT = resolve(__dirname, '..');

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

interface Running {
  output: () => string;
  /** The exit code, or the signal npm itself was ended by (Ctrl-C ends npm too). */
  exited: Promise<number | string | null>;
  /** Ctrl-C in a terminal: SIGINT to the whole process group (npm, its shell, the upstream). */
  interrupt(): void;
}

const running = new Set<ChildProcess>();

/** Starts the npm script in a process group of its own; waits until it listens (or exits). */
async function run(args: string[]): Promise<Running> {
  const child = spawn('npm', ['run', '--silent', 'example:upstream', '--', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | string | null>((done) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      done(code ?? signal);
    }),
  );
  await new Promise<void>((done) => {
    const finish = () => {
      clearInterval(poll);
      clearTimeout(timer);
      done();
    };
    const poll = setInterval(() => /Ctrl-C stops it\.\n/.test(text) && finish(), 50);
    const timer = setTimeout(finish, 60_000);
    void exited.then(finish);
  });
  return {
    output: () => text,
    exited,
    interrupt: () => {
      if (running.has(child)) process.kill(-child.pid!, 'SIGINT');
    },
  };
}

describe('npm run example:upstream', () => {
  // Whatever a failed test left running.
  afterAll(() => {
    for (const child of running) process.kill(-child.pid!, 'SIGKILL');
  });

  it("serves every example manifest of connectors/ but those bound to the vendor's hosts", () => {
    const served = [
      ...Object.values(EXAMPLE_UPSTREAMS).flatMap((u) => u.manifests),
      ...Object.keys(NOT_SERVED_LOCALLY),
    ];
    const examples = readdirSync(join(ROOT, 'connectors')).filter((f) => f.endsWith('.yaml'));
    expect([...served].sort()).toEqual(examples.sort());
  });

  for (const [name, upstream] of Object.entries(EXAMPLE_UPSTREAMS)) {
    it(`${name}: on the port asked for, each of its manifests syncs through the bridge, and the printed check passes`, async () => {
      const port = await freePort();
      const upstreamRun = await run([name, '--port', String(port)]);
      try {
        const text = upstreamRun.output();
        expect(text).toContain(`listening on http://127.0.0.1:${port}\n`);
        const baseUrl = /base URL of [^:]+: (.+)\n/.exec(text)?.[1];
        expect(baseUrl).toBe(`http://127.0.0.1:${port}${upstream.path}`);
        const auth = JSON.parse(/ {2}auth: (.+)\n/.exec(text)![1]) as Record<string, string>;
        expect(auth).toEqual(upstream.auth);
        for (const manifest of upstream.manifests) {
          const keys = parse(readFileSync(join(ROOT, 'connectors', manifest), 'utf8')) as object;
          const t = await startTestApp({
            connector: 'rest',
            connectorManifest: `connectors/${manifest}`,
            connectorBaseUrl: baseUrl,
          });
          try {
            expect([204, 200]).toContain((await t.post('/auth/validate', { auth })).status);
            if ('contacts' in keys) {
              expect((await syncContacts(t, auth)).contacts.length).toBeGreaterThan(0);
            }
            if ('agents' in keys) {
              expect((await syncAgents(t, auth)).agents.length).toBeGreaterThan(0);
            }
          } finally {
            await t.close();
          }
        }
        // The connector:check command it prints, run as printed.
        const command = /\n {2}(npm run connector:check -- .+)\n/.exec(text)![1];
        const check = spawnSync('sh', ['-c', command], {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(check.stdout).toMatch(/Check passed\.\n$/);
        expect(check.status).toBe(0);
      } finally {
        upstreamRun.interrupt();
      }
      expect([0, 'SIGINT']).toContain(await upstreamRun.exited);
      expect(upstreamRun.output()).toMatch(
        new RegExp(`${name}: stopped after [1-9]\\d* request\\(s\\)\\n$`),
      );
    }, 120_000);
  }

  it('refuses an unknown name, listing the others, and a port in use', async () => {
    const unknown = await run(['no-such-upstream']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain(
      `No example upstream "no-such-upstream": one of ${Object.keys(EXAMPLE_UPSTREAMS).join(', ')}`,
    );
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const { port } = blocker.address() as { port: number };
    try {
      const busy = await run(['helpdesk', '--port', String(port)]);
      expect(await busy.exited).toBe(1);
      expect(busy.output()).toContain(`Port ${port} is in use: choose another with --port`);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
