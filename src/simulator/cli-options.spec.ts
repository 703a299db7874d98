import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli, UsageError } from './cli-options';

const AUTH = '{"username":"u","password":"p"}';

describe('parseCli', () => {
  it('reads the defaults: Talkdesk timeout, progress bar, every step', () => {
    const cli = parseCli(['--url', 'http://localhost:3000', '--auth', AUTH]);
    expect(cli).toEqual({
      options: {
        url: 'http://localhost:3000',
        auth: { username: 'u', password: 'p' },
        timeoutMs: 10000,
        maxPages: 10000,
        interactionSamples: 5,
        skip: [],
      },
      json: false,
      progress: true,
      help: false,
    });
  });

  it('reads the auth fields to keep in the wrong-credentials check, repeated', () => {
    const cli = parseCli([
      '--url=http://localhost:3000',
      `--auth=${AUTH}`,
      '--keep-auth-field=organization_url',
      '--keep-auth-field',
      'instance_url',
    ]);
    expect(cli.options.keepAuthFields).toEqual(['organization_url', 'instance_url']);
  });

  it('reads every option', () => {
    const cli = parseCli([
      '--url=https://bridge.example.com/td',
      `--auth=${AUTH}`,
      '--timeout-ms=500',
      '--max-pages=20',
      '--interaction-types=ticket, note',
      '--interaction-samples=0',
      '--skip=agents,incremental',
      '--action=create_ticket',
      '--action-data={"subject":"s"}',
      '--action-meta={"contact_external_id":"1"}',
      '--json',
    ]);
    expect(cli.options).toEqual({
      url: 'https://bridge.example.com/td',
      auth: { username: 'u', password: 'p' },
      timeoutMs: 500,
      maxPages: 20,
      interactionSamples: 0,
      interactionTypes: ['ticket', 'note'],
      skip: ['agents', 'incremental'],
      action: {
        name: 'create_ticket',
        data: { subject: 's' },
        meta: { contact_external_id: '1' },
      },
    });
    expect(cli.json).toBe(true);
    expect(cli.progress).toBe(false);
    expect(parseCli(['--url=http://x', `--auth=${AUTH}`, '--no-progress']).progress).toBe(false);
  });

  it('reads the credentials from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-cli-'));
    try {
      const file = join(dir, 'auth.json');
      writeFileSync(file, AUTH);
      expect(parseCli(['--url=http://x', `--auth-file=${file}`]).options.auth).toEqual({
        username: 'u',
        password: 'p',
      });
      expect(() => parseCli(['--url=http://x', `--auth-file=${join(dir, 'none')}`])).toThrow(
        /cannot read .* \(ENOENT\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [[], /--url is required/],
    [['--url=ftp://x', `--auth=${AUTH}`], /http\(s\)/],
    [['--url=not a url', `--auth=${AUTH}`], /not a URL/],
    [['--url=http://x'], /--auth .* is required/],
    [['--url=http://x', '--auth=[1]'], /--auth .* is required/],
    [['--url=http://x', '--auth={nope'], /--auth is not valid JSON/],
    [['--url=http://x', `--auth=${AUTH}`, '--timeout-ms=0'], /--timeout-ms must be an integer/],
    [['--url=http://x', `--auth=${AUTH}`, '--max-pages=1.5'], /--max-pages must be an integer/],
    [
      ['--url=http://x', `--auth=${AUTH}`, '--skip=auth,everything'],
      /unknown step\(s\) everything/,
    ],
    [['--url=http://x', `--auth=${AUTH}`, '--action-data={}'], /need --action/],
    [['--url=http://x', `--auth=${AUTH}`, '--interaction-types=,'], /at least one type/],
    [['--url=http://x', `--auth=${AUTH}`, '--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });

  it('answers help without other arguments', () => {
    expect(parseCli(['--help']).help).toBe(true);
  });
});
