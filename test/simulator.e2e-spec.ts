import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { CheckName } from '../src/simulator/contract-checks';
import { simulate, SimulationReport, SimulatorOptions } from '../src/simulator/simulator';
import { FAKE_AUTH, FakeBridge, startFakeBridge } from './support/fake-bridge';
import { DEMO } from './support/test-app';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** The command-line simulator, as a user runs it: its exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['src/bin/simulate.ts', ...args], {
      cwd: ROOT,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

const phase = (report: SimulationReport, name: string) => {
  const stats = report.phases.find((p) => p.phase === name);
  if (!stats) throw new Error(`no phase ${name} in ${JSON.stringify(report.phases)}`);
  return stats;
};

describe('Talkdesk simulator against the real bridge on a port', () => {
  let app: NestFastifyApplication;
  let url: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bridge-simulator-'));
    app = await createApp(loadConfig({}, { dataDir, logLevel: 'silent' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds no violation in a whole simulation, action included', async () => {
    const report = await simulate({
      url,
      auth: DEMO,
      interactionSamples: 8,
      action: {
        name: 'create_ticket',
        data: { subject: 'Call missed in Talkdesk', description: 'A call was missed.' },
        meta: { contact_external_id: '1' },
      },
    });
    expect(report.violations).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.phases.map((p) => p.phase)).toEqual([
      'auth',
      'contacts (full)',
      'contacts (incremental)',
      'agents',
      'interactions',
      'action',
    ]);
    const full = phase(report, 'contacts (full)');
    expect(full.records).toBe(1500);
    // 250 contacts per page by default: 6 pages, each followed through next_offset.
    expect(full.pages).toBe(6);
    expect(phase(report, 'contacts (incremental)').pages).toBeGreaterThanOrEqual(1);
    expect(typeof report.checkpoint).toBe('string');
    expect(phase(report, 'agents').records).toBeGreaterThan(0);
    expect(phase(report, 'interactions').requests).toBe(8);
    // The sample always opens the first synced contact; the demo gives the first ones interactions.
    expect(phase(report, 'interactions').records).toBeGreaterThan(0);
    expect(report.notes).toEqual([expect.stringMatching(/^action create_ticket ran \(201\)/)]);
  });

  it('exits 0 from the command line and prints the JSON report', async () => {
    const { code, stdout } = await cli([
      `--url=${url}`,
      `--auth=${JSON.stringify(DEMO)}`,
      '--json',
      '--skip=agents',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as SimulationReport;
    expect(report.passed).toBe(true);
    expect(report.phases.map((p) => p.phase)).not.toContain('agents');
    // Credentials are never echoed in the report.
    expect(stdout).not.toContain(DEMO.password);
  }, 60_000);

  it('prints the summary table by default', async () => {
    const { code, stdout } = await cli([
      `--url=${url}`,
      `--auth=${JSON.stringify(DEMO)}`,
      '--skip=incremental,agents,interactions',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^contacts \(full\)\s+6\s+6\s+1500\s/m);
    expect(stdout).toMatch(/PASS: 9 requests, no contract violation/);
  }, 60_000);
});

describe('Talkdesk simulator against a broken bridge', () => {
  let fake: FakeBridge;
  beforeAll(async () => {
    fake = await startFakeBridge();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    for (const key of Object.keys(fake.faults)) delete fake.faults[key as keyof typeof fake.faults];
  });

  const options = (over: Partial<SimulatorOptions> = {}): SimulatorOptions => ({
    url: fake.url,
    auth: FAKE_AUTH,
    interactionTypes: ['ticket', 'note'],
    maxPages: 20,
    timeoutMs: 2000,
    action: { name: 'create_ticket', data: { subject: 's' } },
    ...over,
  });
  const checks = (report: SimulationReport) =>
    report.violationSummary.map((s) => `${s.phase}: ${s.check}`);

  it('passes the fake bridge while it breaks nothing', async () => {
    const report = await simulate(options());
    expect(report.violations).toEqual([]);
    expect(phase(report, 'contacts (full)').records).toBe(6);
    expect(phase(report, 'agents').pages).toBe(2);
    expect(phase(report, 'interactions').records).toBe(5);
    expect(report.checkpoint).toBe('cp-2');
  });

  it.each<[string, Partial<FakeBridge['faults']>, string, CheckName, RegExp]>([
    [
      'a wrong content type',
      { textContentType: true },
      'contacts (full)',
      'content-type',
      /Content-Type is text\/plain, expected application\/json/,
    ],
    [
      'a next_offset that repeats forever',
      { repeatedOffset: true },
      'contacts (full)',
      'pagination',
      /next_offset "p1" on page 2 was already followed in this run/,
    ],
    [
      'pages that never end',
      { endlessPages: true },
      'contacts (full)',
      'pagination',
      /still a next_offset after 20 pages/,
    ],
    [
      'duplicate contact ids',
      { duplicateIds: true },
      'contacts (full)',
      'unique-id',
      /contact id "1" was already sent on page 1 of this run/,
    ],
    [
      'a status outside the enumeration',
      { statusOutsideEnum: true },
      'interactions',
      'schema',
      /0\/status must be equal to one of the allowed values/,
    ],
    [
      'an interaction type that was not requested',
      { unrequestedType: true },
      'interactions',
      'interaction-type',
      /has type "call", not one of the requested \["ticket","note"\]/,
    ],
    [
      'a missing checkpoint on an incremental sync',
      { dropIncrementalCheckpoint: true },
      'contacts (incremental)',
      'checkpoint',
      /incremental sync page without synchronization_checkpoint/,
    ],
    [
      'a numeric agent id',
      { numericAgentIds: true },
      'agents',
      'schema',
      /agents\/0\/id must be string/,
    ],
    [
      'a slow response past the limit',
      { slowPageMs: 1500 },
      'contacts (full)',
      'deadline',
      /no complete response within 300 ms/,
    ],
    [
      'accepting wrong credentials',
      { acceptAnyCredentials: true },
      'auth',
      'status',
      /status 204, expected 401/,
    ],
  ])('catches %s', async (_name, faults, phaseName, check, message) => {
    Object.assign(fake.faults, faults);
    const report = await simulate(options(faults.slowPageMs ? { timeoutMs: 300 } : {}));
    expect(report.passed).toBe(false);
    expect(checks(report)).toContain(`${phaseName}: ${check}`);
    expect(
      report.violations.some(
        (v) => v.phase === phaseName && v.check === check && message.test(v.message),
      ),
    ).toBe(true);
  });

  it('exits 1 from the command line with the violations in the JSON report', async () => {
    fake.faults.numericAgentIds = true;
    const { code, stdout } = await cli([
      `--url=${fake.url}`,
      `--auth=${JSON.stringify(FAKE_AUTH)}`,
      '--json',
    ]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as SimulationReport;
    expect(report.passed).toBe(false);
    expect(report.violationSummary).toEqual([{ phase: 'agents', check: 'schema', count: 2 }]);
  }, 60_000);

  it('exits 1 when the bridge cannot be reached, after one request', async () => {
    const closed = await startFakeBridge();
    await closed.close();
    const report = await simulate(options({ url: closed.url }));
    expect(report.requests).toBe(1);
    expect(report.violations[0].check).toBe('network');
    expect(report.notes[0]).toMatch(/could not be reached/);
  });

  it('exits 2 on wrong arguments', async () => {
    const { code, stderr } = await cli(['--url=http://127.0.0.1:9']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--auth \(or --auth-file\) is required/);
  }, 60_000);
});
