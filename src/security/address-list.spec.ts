import { fastifyTrustProxy, parseAddressList } from './address-list';

describe('parseAddressList', () => {
  it('matches addresses inside the CIDR blocks and single addresses of the list', () => {
    const allowed = parseAddressList('10.0.0.0/8, 203.0.113.7 ,2001:db8::/32');
    expect(allowed('10.1.2.3')).toBe(true);
    expect(allowed('203.0.113.7')).toBe(true);
    expect(allowed('2001:db8::1')).toBe(true);
    expect(allowed('11.0.0.1')).toBe(false);
    expect(allowed('203.0.113.8')).toBe(false);
    expect(allowed('2001:db9::1')).toBe(false);
  });

  it('matches IPv4-mapped IPv6 addresses as their IPv4 address', () => {
    expect(parseAddressList('10.0.0.0/8')('::ffff:10.9.9.9')).toBe(true);
  });

  it('never matches something that is not an address', () => {
    const allowed = parseAddressList('0.0.0.0/0');
    expect(allowed('')).toBe(false);
    expect(allowed('not-an-ip')).toBe(false);
  });

  it.each(['', 'localhost', '10.0.0.0/33', '10.0.0.0/8/1', '300.1.1.1', '::1/129', '10.0.0.0/x'])(
    'refuses %j',
    (text) => {
      expect(() => parseAddressList(text)).toThrow();
    },
  );
});

describe('fastifyTrustProxy', () => {
  it('reads booleans, hop counts and address lists', () => {
    expect(fastifyTrustProxy('false')).toBe(false);
    expect(fastifyTrustProxy('TRUE')).toBe(true);
    expect(fastifyTrustProxy('10.0.0.0/8, 127.0.0.1')).toBe('10.0.0.0/8,127.0.0.1');
    const hops = fastifyTrustProxy('1') as (address: string, hop: number) => boolean;
    expect(hops('10.0.0.1', 0)).toBe(true);
    expect(hops('10.0.0.2', 1)).toBe(false);
  });
});
