import { wrongCredentials } from './simulator';

describe('wrongCredentials', () => {
  it('alters every string field and keeps the others', () => {
    const wrong = wrongCredentials({ username: 'u', password: 'p', port: 42 });
    expect(wrong.username).toMatch(/^u-wrong-\w+$/);
    expect(wrong.password).toMatch(/^p-wrong-\w+$/);
    expect(wrong.port).toBe(42);
  });

  it('adds a password when there is no string to alter', () => {
    const wrong = wrongCredentials({});
    expect(typeof wrong.password).toBe('string');
    expect(wrong.password).not.toBe('');
  });
});
