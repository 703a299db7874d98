import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by main.ts, before the rest of the bridge is loaded: turns off V8's
 * allocation-site pretenuring. A contact page is built from records that all stay alive while
 * their phone numbers are parsed (megabytes of short-lived garbage), so V8 sees them survive and
 * starts allocating records and contacts straight into the old generation. Every later page then
 * lands there as garbage: the old generation fills ~30 MB a second during a sync, scavenges slow
 * down (dead old objects keep young ones alive) and the resident size of a long sync doubles.
 * Measured in the benchmark's full sync (docs/benchmarks.md): peak RSS ~330 MB with pretenuring,
 * ~180 MB without, and less CPU per page. V8 consults the flag as it collects garbage: set here,
 * before the rest of the bridge is loaded, it was measured to act like the command-line flag.
 *
 * `npm start` and the image pass two more on the command line, where V8 reads them before the
 * heap is made (the young generation's size cannot be changed later); see docs/benchmarks.md,
 * "Memory: where it goes":
 * - `--max-semi-space-size=16`: Node 24 otherwise grows each semi-space to 64 MB on a machine with
 *   much memory (a full sync peaked at ~328 MB with new space at 128 MB; at 4 MB pages were
 *   promoted again).
 * - `--no-maglev`: V8's mid-tier compiler (on by default since Node 22, not in Node 20) builds
 *   each hot function's graph in malloc'ed zones, 20–30 MB at a time while the bridge warms up
 *   under load (heaptrack); glibc keeps that memory in its per-thread arenas afterwards. Without
 *   it, code goes from the baseline compiler to TurboFan as on Node 20: peak RSS of the 1M sync
 *   206–224 -> 192–197 MB in paired runs, the same CPU per contact.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
