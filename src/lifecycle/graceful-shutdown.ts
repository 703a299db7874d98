import { INestApplication, LoggerService } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ShutdownState } from './shutdown-state';

/**
 * On SIGTERM or SIGINT: readiness fails at once (GET /health/ready answers 503, so the load
 * balancer stops sending work), requests in flight are given up to SHUTDOWN_GRACE_MS to finish
 * while the listener stays open, then the app closes (connections, database) and the process
 * exits 0. Past the grace period it exits 1, naming how many requests were cut off. A second
 * signal does not restart the sequence.
 */
export function installGracefulShutdown(
  app: INestApplication,
  config: AppConfig,
  logger: LoggerService,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const state = app.get(ShutdownState);
  let started = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    const deadline = Date.now() + config.shutdownGraceMs;
    state.beginDraining();
    logger.log(
      `${signal} received: readiness now fails; waiting up to ${config.shutdownGraceMs} ms for ${state.inFlight} request(s) in flight`,
      'Shutdown',
    );
    let drained = await state.whenIdle(config.shutdownGraceMs);
    try {
      const closed = app.close().then(() => true);
      const timedOut = new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(false), Math.max(0, deadline - Date.now())).unref(),
      );
      drained = (await Promise.race([closed, timedOut])) && drained;
    } catch (error) {
      logger.error(`Closing failed: ${String(error)}`, 'Shutdown');
      drained = false;
    }
    if (drained) {
      logger.log('All requests answered; exiting', 'Shutdown');
      exit(0);
    } else {
      logger.error(
        `Grace period of ${config.shutdownGraceMs} ms spent with ${state.inFlight} request(s) in flight; exiting`,
        'Shutdown',
      );
      exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, (received) => void shutdown(received));
  }
}
