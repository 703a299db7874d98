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
 * The young generation's size cannot be set this way (V8 fixes it when the heap is made), so
 * `npm start` and the image pass `--max-semi-space-size=16`: Node 24 otherwise grows each
 * semi-space to 64 MB on a machine with much memory, and the same full sync peaked at ~328 MB
 * (new space 128 MB) against ~232 MB with the flag; without pretenuring off as well, ~338 MB.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
