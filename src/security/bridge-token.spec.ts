import { BridgeTokenCheck } from './bridge-token';

const TOKEN = 's3cret-bridge-token-0123456789';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('BridgeTokenCheck', () => {
  const check = new BridgeTokenCheck(TOKEN);

  it('accepts the token in X-Bridge-Token', () => {
    expect(check.matches({ 'x-bridge-token': TOKEN })).toBe(true);
  });

  it('accepts the token as the basic-auth password, whatever the user name', () => {
    expect(check.matches({ authorization: basic('talkdesk', TOKEN) })).toBe(true);
    expect(check.matches({ authorization: basic('', TOKEN) })).toBe(true);
  });

  it('refuses a missing, empty, wrong, longer or shorter token', () => {
    expect(check.matches({})).toBe(false);
    expect(check.matches({ 'x-bridge-token': '' })).toBe(false);
    expect(check.matches({ 'x-bridge-token': 'wrong' })).toBe(false);
    expect(check.matches({ 'x-bridge-token': `${TOKEN}x` })).toBe(false);
    expect(check.matches({ 'x-bridge-token': TOKEN.slice(0, -1) })).toBe(false);
    expect(check.matches({ authorization: basic('talkdesk', 'wrong') })).toBe(false);
    expect(check.matches({ authorization: `Bearer ${TOKEN}` })).toBe(false);
    expect(check.matches({ authorization: `Basic ${Buffer.from(TOKEN).toString('base64')}` })).toBe(
      false,
    );
  });

  it('does not fall back to basic auth when X-Bridge-Token is present but wrong', () => {
    expect(check.matches({ 'x-bridge-token': 'wrong', authorization: basic('u', TOKEN) })).toBe(
      false,
    );
  });
});
