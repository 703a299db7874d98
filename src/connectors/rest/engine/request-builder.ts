import { CompiledBody, CompiledRequest } from '../manifest/compiled';
import { Template } from '../manifest/template';
import { EXPRESSION_ESCAPES } from '../manifest/expression-escapes';
import { Scope } from './mapper';

/** A request's parts before credentials: URL, headers, body value. */
export interface BuiltRequest {
  url: URL;
  headers: Record<string, string>;
  body?: unknown;
}

/** Raised when a request cannot be built from the manifest and the values at hand. */
export class RequestBuildError extends Error {}

function bodyValue(body: CompiledBody, scope: Scope): unknown {
  switch (body.kind) {
    case 'literal':
      return body.value;
    case 'template':
      return body.template.value(scope);
    case 'array':
      return body.items.map((item) => bodyValue(item, scope)).filter((v) => v !== undefined);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of body.entries) {
        const value = bodyValue(item, scope);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
  }
}

/** The account's base URL: placeholders percent-encoded, so an auth value cannot change the host. */
export function renderBaseUrl(template: Template, scope: Scope): URL {
  const { text, missing } = template.render(scope, encodeURIComponent);
  if (missing)
    throw new RequestBuildError('connection.base_url needs an auth field that is missing');
  try {
    return new URL(text);
  } catch {
    throw new RequestBuildError('connection.base_url does not render to a URL');
  }
}

/**
 * Builds a request: the URL from `path` (appended to the base URL) or `url`, or `pageUrl` (a
 * next-page link), query parameters (those whose placeholders have no value are left out),
 * headers, and the body value. `extra` parameters (paging, incremental bounds) go to the query
 * or the body.
 */
export async function buildRequest(
  request: CompiledRequest,
  baseUrl: URL | (() => URL),
  connectionHeaders: [string, Template][],
  scope: Scope,
  extra: { query: Record<string, unknown>; body: Record<string, unknown> },
  pageUrl?: string,
): Promise<BuiltRequest> {
  let url: URL;
  if (pageUrl) {
    url = new URL(pageUrl);
  } else if (request.url) {
    const { text, missing } = request.url.render(scope, encodeURIComponent);
    if (missing)
      throw new RequestBuildError(`${request.where}.url has a placeholder without a value`);
    url = new URL(text);
  } else {
    const base = (typeof baseUrl === 'function' ? baseUrl() : baseUrl)
      .toString()
      .replace(/\/+$/, '');
    const path = request.path
      ? request.path.render(scope, encodeURIComponent)
      : { text: '', missing: false };
    if (path.missing) {
      throw new RequestBuildError(`${request.where}.path has a placeholder without a value`);
    }
    const suffix = path.text === '' || path.text.startsWith('/') ? path.text : `/${path.text}`;
    url = new URL(`${base}${suffix}`);
  }
  if (!pageUrl) {
    for (const [name, template] of request.query) {
      const { text, missing } = template.render(scope);
      if (!missing) url.searchParams.append(name, text);
    }
  }
  for (const [name, value] of Object.entries(extra.query)) {
    if (value === undefined || value === null) continue;
    url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, template] of [...connectionHeaders, ...request.headers]) {
    const { text, missing } = template.render(scope);
    if (!missing) headers[name.toLowerCase()] = text;
  }
  let body: unknown;
  if (request.bodyExpression) {
    body = await request.bodyExpression.evaluate(scope, EXPRESSION_ESCAPES);
  } else if (request.body) body = bodyValue(request.body, scope);
  const bodyExtras = Object.entries(extra.body).filter(([, v]) => v !== undefined && v !== null);
  if (bodyExtras.length > 0) {
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new RequestBuildError(`${request.where}: paging parameters need an object body`);
    }
    body = { ...(body as object | undefined), ...Object.fromEntries(bodyExtras) };
  }
  return { url, headers, ...(body !== undefined && { body }) };
}

/** The body as bytes and its content type. */
export function encodeBody(
  body: unknown,
  format: 'json' | 'form',
): { text: string; contentType: string } {
  if (format === 'form') {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
      if (value !== undefined && value !== null) params.append(key, String(value));
    }
    return { text: params.toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  return { text: JSON.stringify(body), contentType: 'application/json' };
}
