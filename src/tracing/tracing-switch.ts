import type { BridgeTracing } from './bridge-tracing';

/**
 * The standard OpenTelemetry variables that turn tracing on: an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` to which `/v1/traces`
 * is appended), unless `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. Reading them
 * loads nothing: the SDK is loaded only when this says yes.
 */
export function tracingRequested(env: Record<string, string | undefined>): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return Boolean(
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim(),
  );
}

/**
 * Tracing as the environment asks for it: started (the SDK loaded) when `tracingRequested`,
 * else undefined, and nothing of OpenTelemetry is loaded.
 */
export async function tracingFromEnvironment(
  env: Record<string, string | undefined> = process.env,
): Promise<BridgeTracing | undefined> {
  if (!tracingRequested(env)) return undefined;
  return (await import('./start-tracing.js')).startTracing();
}
