import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level and undefined members left out, so that two
 * payloads that mean the same thing give the same text (and the same digest).
 */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, member: unknown) => {
      if (member && typeof member === 'object' && !Array.isArray(member)) {
        const record = member as Record<string, unknown>;
        return Object.fromEntries(
          Object.keys(record)
            .sort()
            .filter((key) => record[key] !== undefined)
            .map((key) => [key, record[key]]),
        );
      }
      return member;
    }) ?? 'null'
  );
}

/** SHA-256 of a text, base64url: a short, uniform key part that reveals nothing of its input. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
