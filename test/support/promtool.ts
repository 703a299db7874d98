import { spawnSync } from 'node:child_process';

/** The output of one promtool run. */
export interface PromtoolRun {
  status: number | null;
  output: string;
}

/**
 * Runs Prometheus' promtool (Debian's `prometheus` package, which .ci/run installs) in `cwd`;
 * throws, saying how to install it, when it is missing: the alert tests never pass without it.
 */
export function promtool(args: string[], cwd: string): PromtoolRun {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'promtool is not installed: `apt-get install prometheus` (Debian) brings it; .ci/run does'
        : `promtool could not be run: ${run.error.message}`,
    );
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
