import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Object keys sorted at every level, so the committed spec only changes when the API does. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => sortKeys(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    ) as T;
  }
  return value;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Talkdesk Bridge')
    .setDescription(
      [
        'The webhooks Talkdesk calls (authorization validation, contact and agent synchronization, interaction retrieval, action execution), the integration configuration to give Talkdesk, health checks and Prometheus metrics.',
        '',
        'Every webhook takes the account credentials in `auth`; the examples carry the demo account (`demo@example.com` / `demo`), so "Try it out" works against the embedded demo database.',
        '',
        'Errors are JSON `{ "code": ..., "message": ..., "request_id": ... }`: `code` is machine-readable and stable, and each code has one HTTP status.',
        '',
        'When the deployment sets `BRIDGE_TOKEN`, every webhook needs it, in the `X-Bridge-Token` header or as the password of HTTP basic authentication: use "Authorize".',
      ].join('\n'),
    )
    .setVersion('1')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Bridge-Token',
        description: 'The shared secret BRIDGE_TOKEN (only when the deployment sets it).',
      },
      'bridge-token',
    )
    .addBasicAuth(
      {
        type: 'http',
        scheme: 'basic',
        description: 'Any user name, with BRIDGE_TOKEN as the password (only when set).',
      },
      'bridge-basic',
    )
    .build();
  return sortKeys(SwaggerModule.createDocument(app, config));
}
