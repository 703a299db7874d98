import { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

/** One request through Fastify's inject, with the headers and client address a test needs. */
export async function call(
  app: NestFastifyApplication,
  method: 'GET' | 'POST',
  url: string,
  options: { body?: unknown; headers?: Record<string, string>; remoteAddress?: string } = {},
): Promise<Answer> {
  const res = await app.inject({
    method,
    url,
    headers: options.headers,
    remoteAddress: options.remoteAddress,
    ...(options.body !== undefined && { payload: options.body as object }),
  });
  let body: unknown = res.payload;
  try {
    body = res.payload ? JSON.parse(res.payload) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.statusCode, body, headers: res.headers };
}
