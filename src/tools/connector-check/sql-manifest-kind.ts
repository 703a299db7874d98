/** Whether a parsed manifest is an SQL manifest (it names its credentials' table or tokens). */
export function isSqlManifest(document: unknown): boolean {
  const d = document as { credentials?: unknown; connection?: { base_url?: unknown } } | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    d.credentials !== undefined &&
    d.connection?.base_url === undefined
  );
}
