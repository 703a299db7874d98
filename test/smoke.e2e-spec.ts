import { DEMO, startTestApp, TestApp } from './support/test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('syncs contacts', async () => {
    const res = await t.post('/contacts/sync', { auth: DEMO });
    expect(res.status).toBe(200);
    expect(res.body.contacts.length).toBe(250);
  });
});
