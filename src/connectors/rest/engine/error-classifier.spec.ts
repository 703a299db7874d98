import type { CompiledManifest } from '../manifest/compiled';
import { retryAfterOf } from './error-classifier';
import type { UpstreamAnswer } from './http';

const manifest = (retryAfterHeaders: string[]) =>
  ({ retryAfterHeaders }) as unknown as CompiledManifest;
const answer = (headers: UpstreamAnswer['headers']): UpstreamAnswer => ({
  status: 429,
  headers,
  body: null,
  ms: 1,
});

describe('retryAfterOf', () => {
  it('reads Retry-After first, whatever the manifest declares', () => {
    expect(
      retryAfterOf(
        manifest(['x-ratelimit-reset']),
        answer({ 'retry-after': '3', 'x-ratelimit-reset': '9' }),
      ),
    ).toBe(3000);
  });

  it('falls back to the declared headers in order, skipping unreadable ones', () => {
    const m = manifest(['x-ratelimit-reset', 'x-rate-limit-reset']);
    expect(retryAfterOf(m, answer({ 'x-ratelimit-reset': '2' }))).toBe(2000);
    expect(
      retryAfterOf(m, answer({ 'x-ratelimit-reset': 'soon', 'x-rate-limit-reset': '5' })),
    ).toBe(5000);
  });

  it('says nothing when no header is declared or none is readable', () => {
    expect(retryAfterOf(manifest([]), answer({ 'x-ratelimit-reset': '2' }))).toBeUndefined();
    expect(retryAfterOf(manifest(['x-ratelimit-reset']), answer({}))).toBeUndefined();
  });
});
