import { baseUrlOf } from '../engine/rest-account';
import { parseHostPattern } from './host-patterns';
import { compileManifestText } from './load-manifest';

describe('allowed_hosts: host patterns', () => {
  const allows = (pattern: string, url: string) => parseHostPattern(pattern).matches(new URL(url));

  it('match one label per *, https unless written, a port only when named', () => {
    expect(allows('*.my.salesforce.com', 'https://acme.my.salesforce.com')).toBe(true);
    expect(allows('*.my.salesforce.com', 'https://a.b.my.salesforce.com')).toBe(false);
    expect(allows('*.my.salesforce.com', 'http://acme.my.salesforce.com')).toBe(false);
    expect(allows('*.my.salesforce.com', 'https://acme.my.salesforce.com:8443')).toBe(false);
    expect(allows('*.my.salesforce.com', 'https://my.salesforce.com.evil.example')).toBe(false);
    expect(allows('*.crm*.dynamics.com', 'https://contoso.crm4.dynamics.com')).toBe(true);
    expect(allows('*.crm*.dynamics.com', 'https://contoso.crm.dynamics.com')).toBe(false);
    expect(allows('http://127.0.0.1:*', 'http://127.0.0.1:4321')).toBe(true);
  });

  it('refuse patterns that would allow a whole domain or are not hosts', () => {
    expect(() => parseHostPattern('*.com')).toThrow();
    expect(() => parseHostPattern('acme.*')).toThrow();
    expect(() => parseHostPattern('https://acme.example.com/path')).toThrow();
  });
});

describe('a base URL taken from an auth field', () => {
  const manifest = (connection: string) => `
version: 1
name: t
talkdesk:
  authentication_type: oauth2
  authentication_fields:
    - { field_name: instance_url, display: Instance, source: auth_validation, mandatory: false, secret: false }
connection:
${connection}
`;

  it('needs allowed_hosts and a declared field, and a path after the field', () => {
    expect(() =>
      compileManifestText(manifest("  base_url: '{{ auth.instance_url }}/api'"), 'm.yaml'),
    ).toThrow(/connection.allowed_hosts: is needed/);
    expect(() =>
      compileManifestText(
        manifest("  base_url: '{{ auth.other }}/api'\n  allowed_hosts: ['*.example.com']"),
        'm.yaml',
      ),
    ).toThrow(/does not declare/);
    expect(() =>
      compileManifestText(
        manifest("  base_url: https://api.example.com\n  allowed_hosts: ['*.example.com']"),
        'm.yaml',
      ),
    ).toThrow(/applies only/);
  });

  it('goes only to an allowed host, with the rest of the base URL after it', () => {
    const m = compileManifestText(
      manifest(
        "  base_url: '{{ auth.instance_url }}/services/data/v62.0'\n  allowed_hosts: ['*.my.salesforce.com']",
      ),
      'm.yaml',
    );
    expect(baseUrlOf(m, { instance_url: 'https://acme.my.salesforce.com/' }).toString()).toBe(
      'https://acme.my.salesforce.com/services/data/v62.0',
    );
    for (const bad of [
      'https://evil.example.com',
      'https://acme.my.salesforce.com.evil.example',
      'https://user:pw@acme.my.salesforce.com',
      'https://acme.my.salesforce.com?x=1',
      'not a url',
      undefined,
    ]) {
      expect(() => baseUrlOf(m, { instance_url: bad as string })).toThrow();
    }
  });
});
