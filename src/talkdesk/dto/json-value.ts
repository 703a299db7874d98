/**
 * The OpenAPI schema of "any JSON value" (an object, an array, a string, a number, a boolean or
 * null), for the fields Talkdesk hands back as they were given, such as a contact sync's
 * `context`: one schema for both the request and the response, so that a generated client has one
 * type for them.
 */
export const ANY_JSON_VALUE = {
  // OpenAPI 3.0 has no null type: null is the object branch's (and only that one's).
  oneOf: [
    { type: 'object' as const, additionalProperties: true, nullable: true },
    { type: 'array' as const, items: {} },
    { type: 'string' as const },
    { type: 'number' as const },
    { type: 'boolean' as const },
  ],
};
