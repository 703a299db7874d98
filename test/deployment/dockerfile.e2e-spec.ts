import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Dockerfile, DockerfileParser, Instruction } from 'dockerfile-ast';
import { AppConfig } from '../../src/config/app-config';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

/** One stage of the Dockerfile: its FROM and the instructions up to the next FROM. */
interface Stage {
  name: string | undefined;
  image: string;
  instructions: Instruction[];
}

function stagesOf(dockerfile: Dockerfile): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const args = instruction.getArguments().map((a) => a.getValue());
      stages.push({
        image: args[0],
        name: args[1]?.toUpperCase() === 'AS' ? args[2] : undefined,
        instructions: [],
      });
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return stages;
}

const keyword = (stage: Stage, name: string) =>
  stage.instructions.filter((i) => i.getKeyword() === name);
/** An instruction's arguments as one line (continuations joined). */
const text = (i: Instruction) =>
  i
    .getArguments()
    .map((a) => a.getValue())
    .join(' ');
const flags = (i: Instruction) =>
  Object.fromEntries(
    (i as unknown as { getFlags(): { getName(): string; getValue(): string }[] })
      .getFlags()
      .map((f) => [f.getName(), f.getValue()]),
  );
/** The exec form (JSON array) of CMD, ENTRYPOINT or HEALTHCHECK CMD. */
const execForm = (i: Instruction): string[] =>
  JSON.parse((i.getRawArgumentsContent() ?? '').replace(/^CMD\s+/, '')) as string[];

describe('Dockerfile', () => {
  const source = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const dockerfile = DockerfileParser.parse(source);
  const stages = stagesOf(dockerfile);
  const build = stages[0];
  const runtime = stages[stages.length - 1];
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const defaultArgs = Object.fromEntries(
    dockerfile.getARGs().map((a) => [a.getProperty()?.getName(), a.getProperty()?.getValue()]),
  );
  const expand = (image: string) =>
    image.replace(/\$\{(\w+)\}/g, (_all, name: string) => String(defaultArgs[name]));

  it('has a build stage and a slim runtime stage of the same Node.js major version', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    const buildImage = expand(build.image);
    const runtimeImage = expand(runtime.image);
    expect(buildImage).toMatch(/^node:\d+-bookworm$/);
    expect(runtimeImage).toMatch(/^node:\d+-bookworm-slim$/);
    // The native addon compiled in the build stage must load in the runtime stage.
    const major = (image: string) => Number(/^node:(\d+)/.exec(image)?.[1]);
    expect(major(runtimeImage)).toBe(major(buildImage));
    expect(major(runtimeImage)).toBeGreaterThanOrEqual(Number(/(\d+)/.exec(pkg.engines.node)?.[1]));
  });

  it('installs exactly the lockfile with install scripts off, builds, then drops the dev dependencies', () => {
    const runs = keyword(build, 'RUN').map(text);
    const copies = keyword(build, 'COPY').map(text);
    expect(copies[0]).toMatch(/^package\.json package-lock\.json /);
    const install = runs.findIndex((r) => /\bnpm (ci|install)\b/.test(r));
    const compile = runs.findIndex((r) => r.includes('npm run build'));
    const prune = runs.findIndex((r) => /npm prune --omit=dev\b/.test(r));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(compile).toBeGreaterThan(install);
    expect(prune).toBeGreaterThanOrEqual(compile);
    // npm ci, never npm install: the image gets the lockfile's versions or fails to build.
    expect(runs[install]).toMatch(/\bnpm ci --ignore-scripts\b/);
    // better-sqlite3's addon ships prebuilt in the package: nothing is compiled.
    expect(runs.join('\n')).not.toMatch(/\b(node-gyp|npm rebuild)\b/);
    expect(pkg.dependencies['better-sqlite3']).toMatch(/^\^?13\./);
  });

  it('copies only the pruned dependencies, the build output and the demo’s manifest into the runtime stage', () => {
    for (const run of keyword(runtime, 'RUN').map(text)) {
      expect(run).not.toMatch(/\bnpm (ci|install|i)\b/);
    }
    const copies = keyword(runtime, 'COPY');
    for (const copy of copies) expect(flags(copy).from).toBe('build');
    expect(copies.map((c) => c.getArguments()[0].getValue()).sort()).toEqual(
      ['/app/connectors', '/app/dist', '/app/node_modules', '/app/package.json'].sort(),
    );
  });

  it('runs as a numeric non-root user, in production mode, under tini', () => {
    const users = keyword(runtime, 'USER').map(text);
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0].split(':');
    // A number, so that Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
    expect(uid).toMatch(/^[1-9]\d*$/);
    expect(gid).toMatch(/^[1-9]\d*$/);
    const env = keyword(runtime, 'ENV').map(text).join(' ');
    expect(env).toContain('NODE_ENV=production');
    const [entrypoint] = keyword(runtime, 'ENTRYPOINT').map(execForm);
    expect(entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(keyword(runtime, 'RUN').map(text).join('\n')).toMatch(/apt-get install .*\btini\b/);
    const [cmd] = keyword(runtime, 'CMD').map(execForm);
    expect(cmd.join(' ')).toBe(pkg.scripts.start);
  });

  it('keeps DATA_DIR on a volume the runtime user owns', () => {
    const env = keyword(runtime, 'ENV').map(text).join(' ');
    const dataDir = /\bDATA_DIR=(\S+)/.exec(env)?.[1];
    expect(dataDir).toBeDefined();
    expect(keyword(runtime, 'VOLUME').map(execForm)).toEqual([[dataDir]]);
    const user = text(keyword(runtime, 'USER')[0]);
    expect(keyword(runtime, 'RUN').map(text).join('\n')).toContain(`chown ${user} ${dataDir}`);
  });

  it('exposes the default port', () => {
    expect(keyword(runtime, 'EXPOSE').map(text)).toEqual([String(new AppConfig().port)]);
    expect(keyword(runtime, 'ENV').map(text).join(' ')).toContain(`PORT=${new AppConfig().port}`);
  });

  it('sends the build context without local state, and with every file the build copies', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const entry of ['node_modules', 'dist', 'data', '.git', '.env', '*.sqlite']) {
      expect(ignored).toContain(entry);
    }
    for (const copy of keyword(build, 'COPY')) {
      const sources = copy.getArguments().map((a) => a.getValue());
      sources.pop();
      for (const path of sources) {
        expect([path, existsSync(join(ROOT, path))]).toEqual([path, true]);
        expect(ignored).not.toContain(path);
      }
    }
  });

  describe('HEALTHCHECK', () => {
    const [healthcheck] = keyword(runtime, 'HEALTHCHECK');
    const command = execForm(healthcheck);
    let t: TestApp;
    let port: number;

    beforeAll(async () => {
      t = await startTestApp();
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.getHttpServer().address() as AddressInfo).port;
    });
    afterAll(() => t.close());

    it('asks GET /health/live with Node.js itself (the slim image has no curl)', () => {
      expect(command[0]).toBe('node');
      expect(command.join(' ')).toContain('/health/live');
      expect(command.join(' ')).not.toMatch(/\b(curl|wget)\b/);
      expect(flags(healthcheck)).toEqual(
        expect.objectContaining({ interval: expect.any(String), timeout: expect.any(String) }),
      );
    });

    it('passes against a running bridge and fails when nothing answers', async () => {
      const [node, ...args] = command;
      expect(node).toBe('node');
      const env = (p: number) => ({ ...process.env, PORT: String(p) });
      await expect(
        run(process.execPath, args, { env: env(port), timeout: 20_000 }),
      ).resolves.toBeDefined();
      await t.app.close();
      await expect(
        run(process.execPath, args, { env: env(port), timeout: 20_000 }),
      ).rejects.toEqual(expect.objectContaining({ code: 1 }));
    });
  });
});
