import { wrongCredentials } from './simulator';

describe('wrongCredentials', () => {
  it('alters every string field and keeps the others', () => {
    const wrong = wrongCredentials({ username: 'u', password: 'p', port: 42 });
    expect(wrong.username).toMatch(/^u-wrong-\w+$/);
    expect(wrong.password).toMatch(/^p-wrong-\w+$/);
    expect(wrong.port).toBe(42);
  });

  it('leaves the fields it is told to keep, such as a tenant URL', () => {
    const auth = { access_token: 't', organization_url: 'https://org.crm.dynamics.com' };
    const wrong = wrongCredentials(auth, ['organization_url']);
    expect(wrong.access_token).toMatch(/^t-wrong-\w+$/);
    expect(wrong.organization_url).toBe(auth.organization_url);
  });

  it('adds a password when there is no string to alter', () => {
    const wrong = wrongCredentials({});
    expect(typeof wrong.password).toBe('string');
    expect(wrong.password).not.toBe('');
  });
});
