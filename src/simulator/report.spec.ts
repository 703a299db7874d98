import { EXIT, exitCodeOf, formatReport, formatTable } from './report';
import { SimulationReport } from './simulator';

const report = (over: Partial<SimulationReport> = {}): SimulationReport => ({
  url: 'http://bridge.test',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1234,
  passed: true,
  violationCount: 0,
  violations: [],
  violationSummary: [],
  phases: [
    {
      phase: 'contacts (full)',
      requests: 4,
      pages: 4,
      records: 1500,
      durationMs: 200,
      slowestMs: 80,
      slowestRequest: 'POST /contacts/sync #2',
      violations: 0,
    },
    {
      phase: 'agents',
      requests: 1,
      pages: 1,
      records: 31,
      durationMs: 9,
      slowestMs: 9,
      violations: 0,
    },
  ],
  notes: [],
  requests: 5,
  slowestMs: 80,
  ...over,
});

describe('report', () => {
  it('formatTable aligns columns, numbers to the right', () => {
    expect(
      formatTable([
        ['phase', 'records'],
        ['agents', 31],
        ['contacts', 1500],
      ]),
    ).toBe(
      ['phase     records', '--------  -------', 'agents         31', 'contacts     1500'].join(
        '\n',
      ),
    );
  });

  it('summarises a passing run: a row per phase, totals, the slowest response', () => {
    const text = formatReport(report());
    expect(text).toContain('contacts (full)         4      4     1500          80          200');
    expect(text).toMatch(/^total\s+5\s+5\s+1531\s+80\s+1234\s+0$/m);
    expect(text).toContain('Slowest response: POST /contacts/sync #2 in 80 ms');
    expect(text).toMatch(/PASS: 5 requests, no contract violation$/);
    expect(exitCodeOf(report())).toBe(EXIT.passed);
  });

  it('lists violations, how many were left out, and fails', () => {
    const failed = report({
      passed: false,
      violationCount: 1002,
      violations: [
        {
          phase: 'agents',
          request: 'POST /agents/sync #1',
          check: 'schema',
          message: 'agents/0/id must be string',
        },
        {
          phase: 'agents',
          request: 'POST /agents/sync #1',
          check: 'schema',
          message: 'agents/1/id must be string',
        },
      ],
      violationSummary: [{ phase: 'agents', check: 'schema', count: 1002 }],
      notes: ['interaction retrieval skipped: no synced contact to open'],
    });
    const text = formatReport(failed);
    expect(text).toContain('[agents] schema: POST /agents/sync #1: agents/0/id must be string');
    expect(text).toContain('... and 1,000 more of the same kinds');
    expect(text).toContain('By check: agents schema ×1002');
    expect(text).toContain('note: interaction retrieval skipped: no synced contact to open');
    expect(text).toMatch(/FAIL: 1,002 contract violation\(s\) in 5 requests$/);
    expect(exitCodeOf(failed)).toBe(EXIT.violations);
  });
});
