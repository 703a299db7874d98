import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BridgeError } from './contract/errors';

/**
 * True when the JSON text nests arrays/objects deeper than `maxDepth`. A linear scan of the raw
 * text, before parsing: a 10,000-level body is refused without building it, and nothing
 * downstream (validation, class-transformer) ever recurses that deep.
 */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * Fastify's own JSON parser (which refuses `__proto__` and `constructor.prototype` keys:
 * no prototype pollution), preceded by a nesting limit. Body size is bounded by bodyLimit.
 */
export function installJsonBodyParser(
  app: NestFastifyApplication,
  bodyLimit: number,
  maxDepth: number,
): void {
  const parse = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (request, body, done) => {
    const text = body.toString('utf8');
    if (jsonDepthExceeds(text, maxDepth)) {
      done(
        new BridgeError(
          'json_too_deep',
          `Malformed JSON body: The JSON body is nested deeper than ${maxDepth} levels`,
        ),
        undefined,
      );
      return;
    }
    void parse(request as Parameters<typeof parse>[0], text, done);
  });
}
