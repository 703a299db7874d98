import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { compileManifestText } from '../src/connectors/rest/manifest/load-manifest';
import { scaffoldManifest, ScaffoldError } from '../src/tools/connector-new/connector-new';
import { runConnectorCheck } from '../src/tools/connector-check/connector-check';

/** `npm run connector:new -- <name>`: a manifest skeleton to start from. */

const ROOT = resolve(__dirname, '..');
const SCHEMA = join(ROOT, 'connectors/manifest.schema.json');

describe('connector:new', () => {
  const dir = mkdtempSync(join(tmpdir(), 'connector-new-'));
  // A project folder of its own: connectors/ with the published schema, nothing else.
  const root = join(dir, 'project');
  mkdirSync(join(root, 'connectors'), { recursive: true });
  copyFileSync(SCHEMA, join(root, 'connectors/manifest.schema.json'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes connectors/<name>.yaml: valid for the loader and for the published JSON Schema, named by it', async () => {
    const file = scaffoldManifest({ name: 'acme-crm', root });
    expect(file).toBe(join(root, 'connectors/acme-crm.yaml'));
    const text = readFileSync(file, 'utf8');
    // The loader the bridge uses: schema validation, then compilation of every template.
    const manifest = compileManifestText(text, file);
    expect(manifest.name).toBe('acme-crm');
    const validate = new Ajv({ allErrors: true, strict: false }).compile(
      JSON.parse(readFileSync(SCHEMA, 'utf8')) as object,
    );
    expect([validate(parse(text)), validate.errors ?? null]).toEqual([true, null]);
    // Commented: every key of the working part is explained, the rest shown as examples.
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./manifest.schema.json');
    expect(text.match(/^\s*#/gm)!.length).toBeGreaterThan(30);
    for (const section of ['# agents:', '# interactions:', '# actions:']) {
      expect(text).toContain(section);
    }
    // And connector:check, the next step the tool names, finds it valid and incremental.
    const lines: string[] = [];
    const code = await runConnectorCheck(
      { manifest: file, maxPages: 1, show: 0, defaultPhoneRegion: 'US', timeoutMs: 1000 },
      (line) => lines.push(line),
    );
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(
      /is valid: connector rest:acme-crm\n.*\n {2}contacts: incremental/,
    );
  });

  it('points the schema line at connectors/manifest.schema.json from wherever it writes', () => {
    const file = scaffoldManifest({ name: 'elsewhere', out: join(dir, 'work/deep/x.yaml'), root });
    const line = readFileSync(file, 'utf8').split('\n')[0];
    const path = /^# yaml-language-server: \$schema=(.+)$/.exec(line)![1];
    expect(path).toBe('../../project/connectors/manifest.schema.json');
    expect(resolve(dirname(file), path)).toBe(join(root, 'connectors/manifest.schema.json'));
  });

  it('never writes over a file, and says so', () => {
    const file = join(root, 'connectors/taken.yaml');
    writeFileSync(file, 'mine\n');
    expect(() => scaffoldManifest({ name: 'taken', root })).toThrow(
      new ScaffoldError(
        'connectors/taken.yaml exists already: nothing was written (choose another name, or --out another file)',
      ),
    );
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });

  it.each(['Acme', 'acme crm', '-acme', '_acme', '', '../escape', 'acme.yaml', 'a'.repeat(65)])(
    'refuses %j as a name, saying what a name may be, and writes nothing',
    (name) => {
      expect(() => scaffoldManifest({ name, root })).toThrow(
        /cannot name a connector: use lower-case letters, digits, "-" and "_", starting with a letter or digit, at most 64 characters/,
      );
      expect(existsSync(join(root, `connectors/${name}.yaml`))).toBe(false);
    },
  );

  it('the npm script: writes and says what next; exits 2 on a bad name, 1 on an existing file', () => {
    const npm = (...args: string[]) =>
      spawnSync('npm', ['run', '--silent', 'connector:new', '--', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const out = join(dir, 'cli/beta.yaml');
    const wrote = npm('beta', '--out', out);
    expect(wrote.stderr).toBe('');
    expect(wrote.status).toBe(0);
    expect(wrote.stdout).toMatch(
      /^Wrote .*cli\/beta\.yaml\. Next:\n {2}npm run connector:check -- /,
    );
    expect(() => compileManifestText(readFileSync(out, 'utf8'), out)).not.toThrow();
    const again = npm('beta', '--out', out);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/beta\.yaml exists already: nothing was written/);
    const bad = npm('Beta Two');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^"Beta Two" cannot name a connector/);
    const none = npm();
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^Usage: npm run connector:new -- <name> \[--out <file>\]/);
  }, 120_000);
});
