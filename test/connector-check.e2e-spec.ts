import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CheckOptions, runConnectorCheck } from '../src/tools/connector-check/connector-check';
import { credentialsOf, FakeHelpdesk } from './support/upstreams/fake-helpdesk';

/** `npm run connector:check`: the manifest builder's dry run against a live upstream. */
describe('connector:check', () => {
  let helpdesk: FakeHelpdesk;
  const dir = mkdtempSync(join(tmpdir(), 'check-'));

  beforeAll(async () => {
    helpdesk = new FakeHelpdesk({ contacts: 40 });
    await helpdesk.start();
  });
  afterAll(async () => {
    await helpdesk?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function check(options: Partial<CheckOptions>): Promise<{ code: number; text: string }> {
    const lines: string[] = [];
    const code = await runConnectorCheck(
      {
        manifest: 'connectors/helpdesk.yaml',
        baseUrl: helpdesk.baseUrl,
        maxPages: 3,
        show: 1,
        defaultPhoneRegion: 'US',
        timeoutMs: 10_000,
        ...options,
      },
      (line) => lines.push(line),
    );
    return { code, text: lines.join('\n') };
  }

  it('without credentials, validates the manifest and says what it offers', async () => {
    const { code, text } = await check({});
    expect(code).toBe(0);
    expect(text).toMatch(/is valid: connector rest:helpdesk/);
    expect(text).toMatch(/contacts: incremental; agents: yes; interactions: ticket, note/);
    expect(text).toMatch(/nothing was sent/);
    expect(helpdesk.server.requests).toHaveLength(0);
  });

  it('dry-runs every capability, page by page, up to --max-pages, with secrets masked', async () => {
    helpdesk.exportMaxPageSize = 10;
    const auth = credentialsOf(0);
    const { code, text } = await check({ auth, maxPages: 2 });
    expect(code).toBe(0);
    expect(text).toMatch(
      /== credentials\n {2}→ GET http:\/\/127\.0\.0\.1:\d+\/acme\/api\/v2\/users\/me/,
    );
    expect(text).toMatch(/"authorization":"\[redacted\]"/);
    expect(text).toMatch(/fields to store \(answered 200\): \{"account_id":"acct-acme"\}/);
    expect(text).toMatch(/contacts page 1: 10 record\(s\) extracted, 10 mapped, 0 dropped/);
    expect(text).toMatch(/contacts page 2: 10 record/);
    expect(text).not.toMatch(/contacts page 3/);
    expect(text).toMatch(/stopped after 2 page\(s\) \(--max-pages\)/);
    // The upstream record, then the contact as Talkdesk receives it (phones in E.164).
    expect(text).toMatch(/upstream record 0: \{\n\s+"id": \d+,/);
    expect(text).toMatch(/as Talkdesk receives it: \{[\s\S]*"phones": \[\n\s+"\+14155551000"/);
    expect(text).toMatch(/agents page 1: 25 record\(s\)/);
    expect(text).toMatch(/== interactions\n {2}for contact \d+/);
    expect(text).toMatch(/Check passed\./);
    for (const secret of [
      auth.api_token,
      Buffer.from(`${auth.email}/token:${auth.api_token}`).toString('base64'),
    ]) {
      expect(text).not.toContain(secret);
    }
    helpdesk.exportMaxPageSize = 1000;
  });

  it('runs an action only when asked, and reports refused credentials', async () => {
    const contact = helpdesk.account(0).contacts[0];
    const ran = await check({
      auth: credentialsOf(0),
      only: [],
      action: 'create_ticket',
      data: { subject: 'From the check' },
      meta: { contact_external_id: String(contact.id) },
    });
    expect(ran.code).toBe(0);
    expect(ran.text).toMatch(/outcome: \{\n\s+"message": "Ticket \d+ created"/);
    expect(helpdesk.account(0).tickets.some((t) => t.subject === 'From the check')).toBe(true);
    const refused = await check({ auth: { ...credentialsOf(0), api_token: 'wrong' } });
    expect(refused.code).toBe(1);
    expect(refused.text).toMatch(/FAILED: Error: the external system refused the credentials/);
  });

  it('the command reports a wrong manifest with the path of each mistake, and exits 1', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      'version: 1\nname: broken\nconnection:\n  base_url: https://x.example\nagents:\n  request: {}\n  fields: { id: id }\n',
    );
    const run = spawnSync(
      process.execPath,
      ['--no-warnings', '-r', './scripts/register-ts.js', 'src/bin/connector-check.ts', file],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      `The connector manifest ${file} has 1 mistake:\n  - agents.fields.email: is required\n`,
    );
    const help = spawnSync(
      process.execPath,
      ['--no-warnings', '-r', './scripts/register-ts.js', 'src/bin/connector-check.ts', '--help'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run connector:check -- <manifest> \[options\]/);
  }, 120_000);

  it('`npm run connector:check` runs the sources without building them (no dist/ needed or made)', () => {
    const root = resolve(__dirname, '..');
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts['preconnector:check']).toBeUndefined();
    expect(scripts['connector:check']).not.toMatch(/\bbuild\b|\bdist\//);
    // A checkout without dist/ and without the build's configuration (tsconfig, nest-cli.json):
    // a build could not even start there, and would leave a dist/ behind if it did.
    const clone = join(dir, 'clone');
    mkdirSync(clone);
    for (const entry of ['node_modules', 'src', 'scripts', 'connectors'])
      symlinkSync(join(root, entry), join(clone, entry));
    copyFileSync(join(root, 'package.json'), join(clone, 'package.json'));
    const run = spawnSync(
      'npm',
      ['run', '--silent', 'connector:check', '--', 'connectors/helpdesk.yaml'],
      { cwd: clone, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^Manifest connectors\/helpdesk\.yaml is valid: connector rest:helpdesk/,
    );
    expect(existsSync(join(clone, 'dist'))).toBe(false);
  }, 120_000);
});
