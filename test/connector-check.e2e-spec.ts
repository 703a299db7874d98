import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CheckOptions, runConnectorCheck } from '../src/tools/connector-check/connector-check';
import { CRM_USERS, FakeCrm } from './support/upstreams/fake-crm';
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
    // Stopped at --max-pages inside its first batch of contacts, the full sync has no checkpoint.
    expect(text).toMatch(
      /== contacts \(incremental\)\n {2}skipped: the full sync stopped before its first batch of contacts was read whole/,
    );
    expect(text).toMatch(/Check passed\./);
    for (const secret of [
      auth.api_token,
      Buffer.from(`${auth.email}/token:${auth.api_token}`).toString('base64'),
    ]) {
      expect(text).not.toContain(secret);
    }
    helpdesk.exportMaxPageSize = 1000;
  });

  describe('the incremental sync after the full one, from its checkpoint', () => {
    const exportRequests = () =>
      helpdesk.server.requests.filter((r) => r.path.endsWith('/contacts/export'));

    it('sends the incremental filter from the last contact read, and shows what the API answered', async () => {
      const before = exportRequests().length;
      const { code, text } = await check({ auth: credentialsOf(0), only: ['contacts'] });
      expect(code).toBe(0);
      const contacts = helpdesk.account(0).contacts;
      const last = [...contacts].sort((a, b) => a.updated_ms - b.updated_ms || a.id - b.id)[
        contacts.length - 1
      ];
      const [full, incremental, ...more] = exportRequests().slice(before);
      expect(more).toEqual([]);
      expect(full.url.searchParams.get('start_time')).toBeNull();
      // Every contact is older than the look-back window: the run starts after the checkpoint's
      // position, whose update time (in the manifest's epoch seconds) goes upstream.
      expect(incremental.url.searchParams.get('start_time')).toBe(
        String(Math.floor(last.updated_ms / 1000)),
      );
      expect(text).toMatch(
        new RegExp(
          `== contacts \\(incremental, from the full sync's checkpoint\\)\n {2}synchronization_checkpoint sent: after contact ${last.id} \\(changed ${new Date(last.updated_ms).toISOString().replace(/\./g, '\\.')}\\)`,
        ),
      );
      expect(text).toMatch(/look-back 30 s \(INCREMENTAL_LOOKBACK_SECONDS\)/);
      expect(text).toMatch(
        /→ GET http:\/\/127\.0\.0\.1:\d+\/acme\/api\/v2\/contacts\/export\?per_page=100&start_time=\d+\n/,
      );
      expect(text).toMatch(/Talkdesk receives 0 contact\(s\) changed since the checkpoint/);
      expect(text).toMatch(/synchronization_checkpoint answered: after contact /);
    });

    it('with contacts changed within the look-back window, asks from the window and sends them again', async () => {
      const contacts = helpdesk.account(1).contacts;
      const now = Date.now();
      const recent = contacts.slice(0, 3);
      const original = recent.map((c) => c.updated_ms);
      recent.forEach((c, i) => (c.updated_ms = now - 5_000 + i));
      const before = exportRequests().length;
      try {
        const { code, text } = await check({ auth: credentialsOf(1), only: ['contacts'] });
        expect(code).toBe(0);
        const [, incremental] = exportRequests().slice(before);
        const start = Number(incremental.url.searchParams.get('start_time'));
        // The window: 30 s before the instant the full sync read up to (after `now`).
        expect(start * 1000).toBeGreaterThanOrEqual(now - 30_000 - 1000);
        expect(start * 1000).toBeLessThanOrEqual(now - 5_000);
        expect(text).toMatch(/Talkdesk receives 3 contact\(s\) changed since the checkpoint/);
        for (const c of recent) expect(text).toContain(`{"id":"${c.id}",`);
      } finally {
        recent.forEach((c, i) => (c.updated_ms = original[i]));
      }
    });

    it('says why it is skipped for a manifest without an incremental filter', async () => {
      const crm = new FakeCrm(20);
      await crm.start();
      try {
        const { code, text } = await check({
          manifest: 'connectors/crm.yaml',
          baseUrl: `${crm.server.origin}/v1`,
          auth: { username: CRM_USERS[0].username, password: CRM_USERS[0].password },
          only: ['contacts'],
        });
        expect(code).toBe(0);
        expect(text).toMatch(
          /== contacts \(incremental\)\n {2}skipped: no update-time filter \(incremental\) in the manifest: every sync is a full one/,
        );
      } finally {
        await crm.stop();
      }
    });
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
