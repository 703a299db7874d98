import { BlockList, isIP } from 'node:net';
import { ValidateBy, ValidationOptions } from 'class-validator';

/** One entry of an address list: an IPv4/IPv6 address or a CIDR block, e.g. `10.0.0.0/8`. */
function addEntry(list: BlockList, entry: string): void {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined)
    throw new Error(`"${entry}" is not an IP address or CIDR`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) {
    list.addAddress(address, type);
    return;
  }
  const bits = Number(prefix);
  if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
    throw new Error(`"${entry}" has an invalid prefix length`);
  }
  list.addSubnet(address, bits, type);
}

/** The entries of a comma-separated list (blanks ignored). */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * A comma-separated list of addresses and CIDR blocks as a matcher. IPv4 rules also match
 * IPv4-mapped IPv6 addresses (`::ffff:10.1.2.3`), as a dual-stack socket reports them.
 * Throws with the offending entry when one cannot be read.
 */
export function parseAddressList(text: string): (ip: string) => boolean {
  const list = new BlockList();
  const entries = splitList(text);
  if (entries.length === 0) throw new Error('the list is empty');
  for (const entry of entries) addEntry(list, entry);
  return (ip: string) => {
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/** A comma-separated list of IP addresses and CIDR blocks that parseAddressList accepts. */
export function IsAddressList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAddressList',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            parseAddressList(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: () =>
          'must be a comma-separated list of IP addresses and CIDR blocks (e.g. 10.0.0.0/8, 2001:db8::/32)',
      },
    },
    options,
  );
}

/** TRUST_PROXY: `false`, `true`, a number of proxy hops, or a list of proxy addresses / CIDRs. */
export function IsTrustProxy(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTrustProxy',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          if (/^(true|false|\d{1,2})$/i.test(value.trim())) return true;
          try {
            parseAddressList(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: () =>
          'must be false, true, a number of proxy hops, or a comma-separated list of proxy addresses / CIDR blocks',
      },
    },
    options,
  );
}

/**
 * Fastify's `trustProxy` option for a TRUST_PROXY value: a hop count trusts that many proxies
 * from the socket inwards (as Fastify does with a number).
 */
export function fastifyTrustProxy(
  value: string,
): boolean | string | ((address: string, hop: number) => boolean) {
  const text = value.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_address: string, hop: number) => hop < hops;
  }
  return splitList(value).join(',');
}
