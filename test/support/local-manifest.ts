import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A copy of an example manifest pointed at local stand-ins: its `connection.allowed_hosts`
 * replaced by the loopback stand-ins' origin pattern, and each of `hosts` (a vendor host the
 * manifest names, such as Salesforce's login server) by the stand-in serving it. Everything
 * else is the manifest as shipped.
 */
export function localManifest(
  file: string,
  hosts: Record<string, string> = {},
): { path: string; remove: () => void } {
  let text = readFileSync(file, 'utf8');
  text = text.replace(/^(\s*allowed_hosts:).*$/m, "$1 ['http://127.0.0.1:*']");
  for (const [from, to] of Object.entries(hosts)) text = text.split(from).join(to);
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  const path = join(dir, file.split('/').pop()!);
  writeFileSync(path, text);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A copy of an example manifest whose pacing intervals (`interval_ms`) are multiplied by
 * `scale`: a spec plays a vendor's per-minute limits in shorter windows (the stand-in's
 * `windowMs` scaled alike), the manifest's ratios of requests to time kept as shipped, unless
 * `requests` replaces the count of the manifest-wide `pacing` (a spec that needs other ratios).
 */
export function scaledPacing(
  file: string,
  scale: number,
  requests?: number,
): { path: string; remove: () => void } {
  let text = readFileSync(file, 'utf8').replace(
    /^(\s*interval_ms:\s*)(\d+)/gm,
    (_m, head: string, ms: string) => `${head}${Math.max(10, Math.round(Number(ms) * scale))}`,
  );
  if (requests !== undefined) {
    const paced = text.replace(/^(pacing:\n\s+requests:\s*)\d+/m, `$1${requests}`);
    if (paced === text) throw new Error(`${file}: no manifest-wide pacing to change`);
    text = paced;
  }
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  const path = join(dir, file.split('/').pop()!);
  writeFileSync(path, text);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
