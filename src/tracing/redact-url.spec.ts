import { redactedUrl } from './redact-url';

describe('redactedUrl', () => {
  it('keeps scheme, host, port and path; replaces every query value, keeps the names', () => {
    expect(
      redactedUrl(
        new URL('https://api.example.com:8443/v1/people?api_key=s3cr3t&phone=%2B351&page=2'),
      ),
    ).toEqual({
      full: 'https://api.example.com:8443/v1/people?api_key=REDACTED&phone=REDACTED&page=REDACTED',
      query: 'api_key=REDACTED&phone=REDACTED&page=REDACTED',
    });
  });

  it('drops a user and password written in the URL', () => {
    const { full } = redactedUrl(new URL('https://user:pass@api.example.com/x'));
    expect(full).toBe('https://api.example.com/x');
  });

  it('leaves a URL without a query as it is', () => {
    expect(redactedUrl(new URL('http://127.0.0.1:4010/v1/people'))).toEqual({
      full: 'http://127.0.0.1:4010/v1/people',
      query: '',
    });
  });

  it('repeated and odd names are listed once per occurrence, encoded', () => {
    expect(redactedUrl(new URL('http://h/p?a=1&a=2&x%20y=3')).query).toBe(
      'a=REDACTED&a=REDACTED&x%20y=REDACTED',
    );
  });
});
