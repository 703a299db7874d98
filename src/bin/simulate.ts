import { Presets, SingleBar } from 'cli-progress';
import { parseCli, UsageError, USAGE } from '../simulator/cli-options';
import { EXIT, exitCodeOf, formatReport } from '../simulator/report';
import { PhaseName, simulate, SimulationObserver } from '../simulator/simulator';

/** A progress line per phase on stderr, so stdout stays the report. */
function progressBar(): SimulationObserver {
  let bar: SingleBar | undefined;
  let started = 0;
  return {
    phaseStarted(phase: PhaseName) {
      started = Date.now();
      bar = new SingleBar(
        {
          format: '{phase} | {value} records | {pages} pages | {rate} records/s',
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
          fps: 5,
        },
        Presets.shades_classic,
      );
      bar.start(Number.MAX_SAFE_INTEGER, 0, { phase: phase.padEnd(22), pages: 0, rate: 0 });
    },
    progress(_phase, records, pages) {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      bar?.update(records, { pages, rate: Math.round(records / seconds) });
    },
    phaseEnded(stats) {
      bar?.update(stats.records, { pages: stats.pages });
      bar?.stop();
      bar = undefined;
    },
  };
}

async function main(): Promise<number> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (cli.help) {
    console.log(USAGE);
    return EXIT.passed;
  }
  const observer = cli.progress && process.stderr.isTTY ? progressBar() : undefined;
  const report = await simulate(cli.options, observer);
  console.log(cli.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return exitCodeOf(report);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = EXIT.error;
  },
);
