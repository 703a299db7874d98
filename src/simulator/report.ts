import { SimulationReport } from './simulator';

/** Exit codes of `npm run simulate`. */
export const EXIT = {
  /** Every response followed the contract. */
  passed: 0,
  /** At least one contract violation (including an unreachable bridge). */
  violations: 1,
  /** Wrong command-line arguments. */
  usage: 2,
  /** The simulator itself failed (a bug or an unreadable spec), so nothing was concluded. */
  error: 3,
} as const;

export function exitCodeOf(report: SimulationReport): number {
  return report.passed ? EXIT.passed : EXIT.violations;
}

/** A plain text table: first row is the header, numbers right-aligned. */
export function formatTable(rows: (string | number)[][]): string {
  const cells = rows.map((row) => row.map(String));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const line = (row: string[], r: number) =>
    row
      .map((cell, c) =>
        r > 0 && typeof rows[r][c] === 'number' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]),
      )
      .join('  ')
      .trimEnd();
  const out = cells.map(line);
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return out.join('\n');
}

const thousands = (n: number) => n.toLocaleString('en-US');

/** The human summary: one row per phase, the violations (bounded), notes and the verdict. */
export function formatReport(report: SimulationReport): string {
  const rows: (string | number)[][] = [
    ['phase', 'requests', 'pages', 'records', 'slowest ms', 'duration ms', 'violations'],
  ];
  for (const p of report.phases) {
    rows.push([p.phase, p.requests, p.pages, p.records, p.slowestMs, p.durationMs, p.violations]);
  }
  const totals = report.phases.reduce(
    (t, p) => ({
      pages: t.pages + p.pages,
      records: t.records + p.records,
      durationMs: t.durationMs + p.durationMs,
    }),
    { pages: 0, records: 0, durationMs: 0 },
  );
  rows.push([
    'total',
    report.requests,
    totals.pages,
    totals.records,
    report.slowestMs,
    report.durationMs,
    report.violationCount,
  ]);

  const parts = [`Talkdesk simulation against ${report.url}`, '', formatTable(rows)];
  const slowest = [...report.phases].sort((a, b) => b.slowestMs - a.slowestMs)[0];
  if (slowest?.slowestRequest) {
    parts.push('', `Slowest response: ${slowest.slowestRequest} in ${slowest.slowestMs} ms`);
  }
  if (report.notes.length > 0) {
    parts.push('', ...report.notes.map((note) => `note: ${note}`));
  }
  if (report.violationCount > 0) {
    parts.push('', 'Violations:');
    for (const v of report.violations) {
      parts.push(`  [${v.phase}] ${v.check}: ${v.request}: ${v.message}`);
    }
    const hidden = report.violationCount - report.violations.length;
    if (hidden > 0) parts.push(`  ... and ${thousands(hidden)} more of the same kinds`);
    parts.push(
      '',
      'By check: ' +
        report.violationSummary.map((s) => `${s.phase} ${s.check} ×${s.count}`).join(', '),
    );
  }
  parts.push(
    '',
    report.passed
      ? `PASS: ${thousands(report.requests)} requests, no contract violation`
      : `FAIL: ${thousands(report.violationCount)} contract violation(s) in ${thousands(report.requests)} requests`,
  );
  return parts.join('\n');
}
