/**
 * Host patterns of `connection.allowed_hosts`: where a base URL taken from an account's field
 * (Salesforce's `instance_url`, a Dynamics 365 organization URL) may point. A pattern is
 * `[scheme://]host[:port]`: the scheme is `https` unless written, `*` stands for one or more
 * letters, digits or hyphens inside one DNS label (`*.my.salesforce.com`, `*.crm*.dynamics.com`),
 * and a port is allowed only when the pattern names it (`*` for any).
 */
export interface HostPattern {
  source: string;
  matches(url: URL): boolean;
}

export class HostPatternError extends Error {}

const LABEL = /^[a-z0-9*-]+$/;

export function parseHostPattern(source: string): HostPattern {
  const m = /^(?:(https?):\/\/)?([^/:]+)(?::(\d+|\*))?$/i.exec(source.trim());
  if (!m) throw new HostPatternError(`"${source}" is not [scheme://]host[:port]`);
  const [, scheme = 'https', host, port] = m;
  const labels = host.toLowerCase().split('.');
  if (labels.length < 2 || labels.some((l) => !LABEL.test(l))) {
    throw new HostPatternError(`"${source}": a host is DNS labels of letters, digits, - and *`);
  }
  if (labels.slice(-2).some((l) => l.includes('*'))) {
    throw new HostPatternError(`"${source}": the domain itself (its last two labels) cannot be *`);
  }
  const hostRe = new RegExp(
    `^${labels.map((l) => l.replace(/-/g, '\\-').replace(/\*/g, '[a-z0-9-]+')).join('\\.')}$`,
  );
  const protocol = `${scheme.toLowerCase()}:`;
  return {
    source,
    matches: (url) =>
      url.protocol === protocol &&
      hostRe.test(url.hostname) &&
      (port === '*' ? true : port === undefined ? url.port === '' : url.port === port),
  };
}
