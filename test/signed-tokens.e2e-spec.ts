import { TokenScope } from '../src/talkdesk/token-codec';
import { expectError, syncContacts, tokensOf } from './support/talkdesk';
import { DEMO, OTHER, startTestApp, TestApp, useTestApp } from './support/test-app';
import { CRM_USERS, FakeCrm } from './support/upstreams/fake-crm';
import { FakeHttpServer, json } from './support/upstreams/fake-http';
import { credentialsOf, FakeHelpdesk } from './support/upstreams/fake-helpdesk';

/**
 * next_offset, context and synchronization_checkpoint are signed for the account they were
 * issued to: an edited token is refused before anything is read with it, and a REST next-page
 * URL edited to point at another host is never called with the account's credentials.
 */

type Body = Record<string, any>;
const bodyOf = (token: string): Body =>
  JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
const withBody = (token: string, body: Body) =>
  `${Buffer.from(JSON.stringify(body)).toString('base64url')}.${token.split('.')[1]}`;
/** The token with its body changed and its mac kept, as an attacker without the secret does. */
const edit = (token: string, change: (body: Body) => void) => {
  const body = bodyOf(token);
  change(body);
  return withBody(token, body);
};
/** The same body, signed as the bridge would: only the REST engine's own check is left. */
const resign = (scope: TokenScope, token: string, change: (body: Body) => void) => {
  const body = bodyOf(token);
  change(body);
  return scope.seal(Buffer.from(JSON.stringify(body)).toString('base64url'));
};

describe('signed tokens, SQL connector', () => {
  const t = useTestApp({ contactsPageSize: 20, incrementalLookbackSeconds: 0 });

  const firstPage = async () => {
    const res = await t.post('/contacts/sync', { auth: DEMO });
    expect(res.status).toBe(200);
    expect(res.body.next_offset).toEqual(expect.any(String));
    return res.body;
  };

  it('an edited next_offset is a 400 token_invalid in the contract', async () => {
    const page = await firstPage();
    const offset = edit(page.next_offset, (b) => (b.after.i = '999999'));

    const res = await t.post('/contacts/sync', {
      auth: DEMO,
      meta: { offset, context: page.context },
    });

    expectError(res, 400);
    expect(res.body.code).toBe('token_invalid');
    expect(Object.keys(res.body).sort()).toEqual(['code', 'message', 'request_id']);
  });

  it('a next_offset of one account is refused for another', async () => {
    const page = await firstPage();

    const res = await t.post('/contacts/sync', {
      auth: OTHER,
      meta: { offset: page.next_offset, context: page.context },
    });

    expectError(res, 400);
    expect(res.body.code).toBe('token_invalid');
  });

  it('an edited context is a 400 token_invalid', async () => {
    const page = await firstPage();
    const context = edit(page.context, (b) => (b.until = Date.now() + 3_600_000));

    const res = await t.post('/contacts/sync', {
      auth: DEMO,
      meta: { offset: page.next_offset, context },
    });

    expectError(res, 400);
    expect(res.body.code).toBe('token_invalid');
  });

  it('an unsigned next_offset of an earlier version is a 400 offset_unreadable that says why', async () => {
    const page = await firstPage();

    const res = await t.post('/contacts/sync', {
      auth: DEMO,
      meta: { offset: page.next_offset.split('.')[0], context: page.context },
    });

    expectError(res, 400);
    expect(res.body.code).toBe('offset_unreadable');
    expect(res.body.message).toMatch(/earlier version of the bridge/);
  });

  it('an edited or unsigned checkpoint runs a full sync: every contact, none skipped', async () => {
    const full = await syncContacts(t, DEMO);
    const checkpoint = full.checkpoint!;
    expect(checkpoint).toEqual(expect.any(String));
    // Moved far ahead, it would skip everything if it were believed.
    const ahead = edit(checkpoint, (b) => (b.at.u = Date.now() + 3_600_000));

    for (const given of [ahead, checkpoint.split('.')[0]]) {
      const run = await syncContacts(t, DEMO, given);
      expect(run.contacts.map((c) => c.id)).toEqual(full.contacts.map((c) => c.id));
    }
    // The genuine checkpoint still gives an incremental sync with nothing new.
    const incremental = await syncContacts(t, DEMO, checkpoint);
    expect(incremental.contacts).toEqual([]);
  });
});

describe('signed tokens, REST connector: no request to another host from a token', () => {
  let crm: FakeCrm;
  const elsewhere = new FakeHttpServer((_req, res) =>
    json(res, 200, [{ id: 'stolen', first_name: 'From', last_name: 'Elsewhere' }]),
  );
  let t: TestApp;
  const auth = { username: CRM_USERS[0].username, password: CRM_USERS[0].password };

  beforeAll(async () => {
    crm = new FakeCrm();
    await crm.start();
    await elsewhere.start();
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: 'connectors/crm.yaml',
      connectorBaseUrl: `${crm.server.origin}/v1`,
      // More than one CRM page: next_offset carries the URL of the CRM's next page.
      contactsPageSize: 70,
    });
  });
  afterAll(async () => {
    await t?.close();
    await crm?.stop();
    await elsewhere.stop();
  });

  /** A first page whose next_offset carries the next page's URL on the CRM's host. */
  async function firstPage() {
    const res = await t.post('/contacts/sync', { auth });
    expect(res.status).toBe(200);
    const text = JSON.stringify(bodyOf(res.body.next_offset));
    expect(text).toContain(`"url":"${crm.server.origin}/v1/`);
    return res.body;
  }
  const toElsewhere = (b: Body) => {
    const moved = JSON.stringify(b).replaceAll(crm.server.origin, elsewhere.origin);
    Object.assign(b, JSON.parse(moved));
  };

  it('a next_offset edited to point at another host is refused, and that host never called', async () => {
    const page = await firstPage();
    const seen = elsewhere.requests.length;

    const edited = edit(page.next_offset, toElsewhere);
    // The same, in the earlier unsigned format.
    for (const offset of [edited, edited.split('.')[0]]) {
      const res = await t.post('/contacts/sync', {
        auth,
        meta: { offset, context: page.context },
      });
      expectError(res, 400);
      expect(['token_invalid', 'offset_unreadable']).toContain(res.body.code);
      expect(JSON.stringify(res.body)).not.toContain('stolen');
    }
    expect(elsewhere.requests.length).toBe(seen);
  });

  it('even a validly signed next_offset naming another host is never called (the engine checks the origin)', async () => {
    const page = await firstPage();
    const scope = await tokensOf(t, auth);
    const offset = resign(scope, page.next_offset, toElsewhere);
    expect(scope.check(offset)).toBe('current');

    const res = await t.post('/contacts/sync', { auth, meta: { offset, context: page.context } });

    expectError(res, 400);
    expect(res.body.code).toBe('offset_invalid');
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('an edited context is a 400, and the genuine tokens still page to the end', async () => {
    const page = await firstPage();
    const context = edit(page.context, (b) => (b.until = 0));
    const refused = await t.post('/contacts/sync', {
      auth,
      meta: { offset: page.next_offset, context },
    });
    expectError(refused, 400);
    expect(refused.body.code).toBe('token_invalid');

    const run = await syncContacts(t, auth);
    expect(run.contacts.map((c) => c.id)).toEqual(crm.people.get('initech')!.map((p) => p.id));
  });
});

describe('signed tokens, REST connector: checkpoints (help desk example)', () => {
  let helpdesk: FakeHelpdesk;
  let t: TestApp;
  const auth = credentialsOf(0);

  beforeAll(async () => {
    helpdesk = new FakeHelpdesk({ contacts: 60 });
    await helpdesk.start();
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: 'connectors/helpdesk.yaml',
      connectorBaseUrl: helpdesk.baseUrl,
      contactsPageSize: 25,
    });
  });
  afterAll(async () => {
    await t?.close();
    await helpdesk?.stop();
  });

  it('an edited checkpoint runs a full sync; the genuine one an incremental sync', async () => {
    const full = await syncContacts(t, auth);
    expect(full.contacts.length).toBeGreaterThan(25);
    const checkpoint = full.checkpoint!;
    const ahead = edit(checkpoint, (b) => (b.at.u = Date.now() + 3_600_000));

    const again = await syncContacts(t, auth, ahead);
    expect(again.contacts.map((c) => c.id)).toEqual(full.contacts.map((c) => c.id));
    const incremental = await syncContacts(t, auth, checkpoint);
    expect(incremental.contacts.length).toBeLessThan(full.contacts.length);
  });
});
