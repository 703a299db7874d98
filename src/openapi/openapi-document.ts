import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { packageVersion } from '../common/package-version';
import { ActionsPort } from '../connectors/ports';
import { addActionExamples } from './action-examples';

/** Talkdesk's documentation of the Integrations API, which the webhooks implement. */
const TALKDESK_DOCS = {
  description: "Talkdesk's Integrations API documentation",
  url: 'https://docs.talkdesk.com/docs/integrations',
};

/** The tags, in the order Talkdesk calls the webhooks, then what the deployment needs. */
const TAGS: { name: string; description: string }[] = [
  {
    name: 'Authorization validation',
    description:
      'Called when a user activates the integration: are the credentials they typed valid?',
  },
  {
    name: 'Contact synchronization',
    description:
      'Called periodically to pull contacts into Talkdesk, page by page, then only what changed since the last checkpoint.',
  },
  {
    name: 'Agent synchronization',
    description:
      'Links Talkdesk agents to users of the external system; Talkdesk matches them by email.',
  },
  {
    name: 'Interaction retrieval',
    description:
      "Called when a Talkdesk user opens a contact: the contact's tickets, notes and calls.",
  },
  {
    name: 'Action execution',
    description:
      'Talkdesk runs an action (from an automation, or a user with typed-in data) in the external system.',
  },
  {
    name: 'Integration configuration',
    description: 'What to give Talkdesk when registering the integration and its actions.',
  },
  { name: 'Operations', description: 'Liveness, readiness and Prometheus metrics.' },
];

/** Schema names as a client generator should see them: `Contact`, not `ContactDto`. */
export function withoutDtoSuffix(document: OpenAPIObject): OpenAPIObject {
  const schemas = document.components?.schemas ?? {};
  const renamed = new Map<string, string>();
  for (const name of Object.keys(schemas)) {
    if (!name.endsWith('Dto')) continue;
    const short = name.slice(0, -'Dto'.length);
    if (short in schemas) throw new Error(`Two schemas would be named ${short}`);
    renamed.set(name, short);
  }
  const prefix = '#/components/schemas/';
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        if (key === '$ref' && typeof inner === 'string' && inner.startsWith(prefix)) {
          const target = inner.slice(prefix.length);
          return [key, prefix + (renamed.get(target) ?? target)];
        }
        return [key, walk(inner)];
      }),
    );
  };
  const result = walk(document) as OpenAPIObject;
  if (result.components?.schemas) {
    result.components.schemas = Object.fromEntries(
      Object.entries(result.components.schemas).map(([name, schema]) => [
        renamed.get(name) ?? name,
        schema,
      ]),
    );
  }
  return result;
}

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
  const builder = new DocumentBuilder()
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
    .setVersion(packageVersion())
    .setExternalDoc(TALKDESK_DOCS.description, TALKDESK_DOCS.url)
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
    );
  for (const tag of TAGS) {
    builder.addTag(
      tag.name,
      tag.description,
      tag.name === 'Operations' ? undefined : TALKDESK_DOCS,
    );
  }
  const document = SwaggerModule.createDocument(app, builder.build());
  addActionExamples(document, app.get(ActionsPort, { strict: false }).definitions);
  return sortKeys(withoutDtoSuffix(document));
}
