/**
 * The text `String(value)` gives a number, built without V8's number-string cache.
 *
 * V8 remembers the text of the numbers it converts (up to 16,384 of them, in a table of the old
 * generation). When a sync converts one integer id per row, each text is still in that table at
 * the next young-generation collection, so every id's text is promoted to the old generation and
 * stays there, as garbage, until the next full collection: about 23 bytes per contact, 23 MB
 * over a sync of a million, at four times the live heap before V8 collects. `toFixed(0)` writes
 * the same digits for every safe integer without that table (past 2^53 it writes the exact binary
 * value where `String` writes the shortest one); other numbers keep `String`.
 */
export function numberText(value: number): string {
  return Number.isSafeInteger(value) ? value.toFixed(0) : String(value);
}
