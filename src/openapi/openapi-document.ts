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
        'Errors are JSON `{ "message": ..., "request_id": ... }`.',
      ].join('\n'),
    )
    .setVersion('1')
    .build();
  return sortKeys(SwaggerModule.createDocument(app, config));
}
