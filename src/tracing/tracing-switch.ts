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
