import { CompiledPaginator } from '../../manifest/compiled';
import { JsonPath } from '../../manifest/paths';
import { UpstreamAnswer } from '../http';
import { initialState, isPageState, linkOf, nextState, PageState, pagingParams } from './index';
import { Secrets } from '../secrets';

const paginator = (p: Partial<CompiledPaginator>): CompiledPaginator => ({
  type: 'none',
  paramIn: 'query',
  pageParam: 'page',
  startPage: 1,
  offsetParam: 'offset',
  startOffset: 0,
  cursorParam: 'cursor',
  rel: 'next',
  stopOnShortPage: true,
  ...p,
});

const answer = (body: unknown, headers: Record<string, string> = {}): UpstreamAnswer => ({
  status: 200,
  headers,
  body,
  ms: 1,
});

const url = new URL('https://api.example.com/v1/items?limit=2');
const origin = 'https://api.example.com';
const next = (p: CompiledPaginator, state: PageState, a: UpstreamAnswer, count: number) =>
  nextState(p, state, a, count, url, origin, 'items');

describe('paginators', () => {
  it('page numbers stop on an empty or short page, or on the total records or pages', () => {
    const p = paginator({ type: 'page_number', pageSize: 10, pageSizeParam: 'per_page' });
    const first = initialState(p);
    expect(first).toEqual({ k: 'page', page: 1, read: 0 });
    expect(pagingParams(p, first)).toEqual({ per_page: 10, page: 1 });
    expect(next(p, first, answer({}), 10)).toEqual({ k: 'page', page: 2, read: 10 });
    expect(next(p, first, answer({}), 9)).toBeNull();
    expect(next(p, first, answer({}), 0)).toBeNull();
    // The example of Talkdesk's agent sync: page_count and total, read until total.
    const total = paginator({ type: 'page_number', totalRecordsPath: new JsonPath('total') });
    expect(next(total, { k: 'page', page: 2, read: 10 }, answer({ total: 23 }), 10)).toEqual({
      k: 'page',
      page: 3,
      read: 20,
    });
    expect(next(total, { k: 'page', page: 3, read: 20 }, answer({ total: 23 }), 3)).toBeNull();
    const pages = paginator({ type: 'page_number', totalPagesPath: new JsonPath('meta.pages') });
    expect(
      next(pages, { k: 'page', page: 3, read: 0 }, answer({ meta: { pages: 3 } }), 5),
    ).toBeNull();
  });

  it('offsets advance by the records read and stop at the total', () => {
    const p = paginator({
      type: 'offset',
      pageSize: 5,
      pageSizeParam: 'limit',
      totalRecordsPath: new JsonPath('total'),
    });
    expect(pagingParams(p, initialState(p))).toEqual({ limit: 5, offset: 0 });
    expect(next(p, { k: 'offset', offset: 0 }, answer({ total: 12 }), 5)).toEqual({
      k: 'offset',
      offset: 5,
    });
    expect(next(p, { k: 'offset', offset: 10 }, answer({ total: 12 }), 2)).toBeNull();
  });

  it('cursors come from the body or a header; has_more and last_page end the list', () => {
    const body = paginator({
      type: 'cursor',
      cursorPath: new JsonPath('meta.next'),
      hasMorePath: new JsonPath('meta.more'),
    });
    expect(next(body, { k: 'first' }, answer({ meta: { next: 'abc', more: true } }), 2)).toEqual({
      k: 'cursor',
      cursor: 'abc',
    });
    expect(
      next(body, { k: 'first' }, answer({ meta: { next: 'abc', more: false } }), 2),
    ).toBeNull();
    expect(next(body, { k: 'first' }, answer({ meta: { next: null } }), 2)).toBeNull();
    const header = paginator({
      type: 'cursor',
      cursorHeader: 'x-next-cursor',
      lastPagePath: new JsonPath('end'),
    });
    expect(next(header, { k: 'first' }, answer({}, { 'x-next-cursor': 'h1' }), 2)).toEqual({
      k: 'cursor',
      cursor: 'h1',
    });
    expect(
      next(header, { k: 'first' }, answer({ end: true }, { 'x-next-cursor': 'h1' }), 2),
    ).toBeNull();
  });

  it('links resolve relative URLs and are refused on another host', () => {
    const p = paginator({ type: 'link_header' });
    const link = '</v1/items?page=2>; rel="next", </v1/items?page=9>; rel="last"';
    expect(linkOf(link, 'next')).toBe('/v1/items?page=2');
    expect(linkOf(link, 'last')).toBe('/v1/items?page=9');
    expect(linkOf('<https://x/?a=1,2>; rel=next', 'next')).toBe('https://x/?a=1,2');
    expect(linkOf(undefined, 'next')).toBeUndefined();
    expect(next(p, { k: 'first' }, answer([], { link }), 2)).toEqual({
      k: 'url',
      url: 'https://api.example.com/v1/items?page=2',
    });
    expect(() =>
      next(p, { k: 'first' }, answer([], { link: '<https://evil.example/x>; rel="next"' }), 2),
    ).toThrow(/another host/);
    const body = paginator({ type: 'next_url', nextUrlPath: new JsonPath('links.next') });
    expect(next(body, { k: 'first' }, answer({ links: { next: 'items?page=3' } }), 2)).toEqual({
      k: 'url',
      url: 'https://api.example.com/v1/items?page=3',
    });
  });

  it('checks page states read back from tokens', () => {
    expect(isPageState({ k: 'page', page: 2, read: 10 })).toBe(true);
    expect(isPageState({ k: 'cursor', cursor: 'x' })).toBe(true);
    expect(isPageState({ k: 'url', url: 'javascript:alert(1)' })).toBe(false);
    expect(isPageState({ k: 'page', page: -1, read: 0 })).toBe(false);
    expect(isPageState({ k: 'cursor', cursor: 'x'.repeat(5000) })).toBe(false);
    expect(isPageState({ k: 'other' })).toBe(false);
    expect(isPageState(null)).toBe(false);
  });
});

describe('secrets', () => {
  it('masks secrets and their encodings, longest first; secret headers wholly', () => {
    const s = new Secrets(['s3cr3t/token+x', 'ab', { nested: ['another-secret'] }]);
    expect(s.mask('a s3cr3t/token+x b')).toBe('a [redacted] b');
    expect(s.mask(`q=${encodeURIComponent('s3cr3t/token+x')}`)).toBe('q=[redacted]');
    expect(s.mask(Buffer.from('s3cr3t/token+x').toString('base64'))).toBe('[redacted]');
    expect(s.mask('another-secret and ab')).toBe('[redacted] and ab');
    expect(s.maskHeaders({ Authorization: 'Basic xyz', 'x-trace': 'another-secret' })).toEqual({
      Authorization: '[redacted]',
      'x-trace': '[redacted]',
    });
  });
});
