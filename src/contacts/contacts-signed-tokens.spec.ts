import { Logger } from '@nestjs/common';
import { ContactRecord } from '../connectors/ports';
import { TokenSigner } from '../talkdesk/token-codec';
import { newAccount, newContactRecord, TEST_AUTH } from '../../test/factories';
import { FakeContactsPort, FakeCredentialsPort } from '../../test/support/fakes';
import { budget, newTestService, TEST_TOKENS } from '../../test/support/test-service';
import {
  decodeCheckpoint,
  decodeContext,
  encodeCheckpoint,
  encodeContext,
  encodeOffset,
} from './contact-sync-tokens';
import { ContactsService, ContactSyncPage } from './contacts.service';

/**
 * Tokens are signed for one account: an edited offset, context or checkpoint, or one issued to
 * another account, is never used. An edited offset or context is a 400; a checkpoint that fails
 * its check runs a full sync (Talkdesk would send it again on every sync), as does an unsigned
 * one of an earlier version.
 */

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const OTHER_AUTH = { username: 'other@example.com', password: 'other' };
const contacts: ContactRecord[] = [1, 2, 3, 4, 5].map((id) =>
  newContactRecord({ id: String(id), updatedAt: T0 - (10 - id) * 1000 }),
);

function setup() {
  const credentials = new FakeCredentialsPort().accept(
    OTHER_AUTH,
    newAccount({ key: 'account-2' }),
  );
  const port = new FakeContactsPort(contacts);
  const { sut } = newTestService(ContactsService, {
    config: { contactsPageSize: 2, incrementalLookbackSeconds: 0 },
    ports: { contacts: port, credentials },
  });
  return { service: sut, port };
}

/** The token with one field of its JSON body changed, its mac kept. */
function edit(token: string, change: (body: Record<string, any>) => void): string {
  const [body, mac] = token.split('.');
  const json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  change(json);
  return `${Buffer.from(JSON.stringify(json)).toString('base64url')}.${mac}`;
}

const unsigned = (token: string) => token.split('.')[0];

let warnings: string[];
beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(T0);
  warnings = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
    warnings.push(String(message));
  });
});
afterEach(() => jest.restoreAllMocks());

async function firstPage(service: ContactsService): Promise<ContactSyncPage> {
  const page = await service.sync(TEST_AUTH, {}, budget());
  expect(page.next_offset).toBeDefined();
  return page;
}

describe('ContactsService: signed tokens', () => {
  it('a next_offset whose position was edited is a 400 token_invalid, and reads nothing', async () => {
    const { service, port } = setup();
    const page = await firstPage(service);
    const offset = edit(page.next_offset!, (b) => (b.after.u = 0));
    const reads = port.queries.length;

    const attempt = service.sync(TEST_AUTH, { offset, context: page.context }, budget());

    await expect(attempt).rejects.toMatchObject({ code: 'token_invalid' });
    await expect(attempt).rejects.toThrow(/meta\.offset failed its signature check/);
    expect(port.queries).toHaveLength(reads);
  });

  it('a next_offset issued to another account is a 400 token_invalid for this one', async () => {
    const { service, port } = setup();
    const page = await firstPage(service);
    const reads = port.queries.length;

    const attempt = service.sync(OTHER_AUTH, { offset: page.next_offset }, budget());

    await expect(attempt).rejects.toMatchObject({ code: 'token_invalid' });
    expect(port.queries).toHaveLength(reads);
  });

  it('an unsigned next_offset of an earlier version is a 400 offset_unreadable that says so', async () => {
    const { service } = setup();
    const page = await firstPage(service);

    const attempt = service.sync(TEST_AUTH, { offset: unsigned(page.next_offset!) }, budget());

    await expect(attempt).rejects.toMatchObject({ code: 'offset_unreadable' });
    await expect(attempt).rejects.toThrow(
      /earlier version of the bridge, before tokens were signed/,
    );
  });

  it('a context whose bounds were edited is a 400 token_invalid', async () => {
    const { service, port } = setup();
    const page = await firstPage(service);
    const context = edit(page.context!, (b) => (b.until = T0 + 3_600_000));
    const reads = port.queries.length;

    const attempt = service.sync(TEST_AUTH, { offset: page.next_offset, context }, budget());

    await expect(attempt).rejects.toMatchObject({ code: 'token_invalid' });
    await expect(attempt).rejects.toThrow(/meta\.context failed its signature check/);
    expect(port.queries).toHaveLength(reads);
  });

  it('a checkpoint whose position was edited runs a full sync, with a warning', async () => {
    const { service, port } = setup();
    const checkpoint = edit(
      encodeCheckpoint(TEST_TOKENS, { updatedAt: T0 - 7000, id: '3' }),
      (b) => {
        b.at.u = T0;
      },
    );

    const page = await service.sync(
      TEST_AUTH,
      { synchronization_checkpoint: checkpoint },
      budget(),
    );

    expect(page.contacts.map((c) => c.id)).toEqual(['1', '2']);
    expect(port.queries[0].after).toBeUndefined();
    expect(port.queries[0].changedSince).toBeUndefined();
    expect(warnings.join('\n')).toMatch(
      /synchronization_checkpoint failed its signature check.*full sync/,
    );
    expect(page.synchronization_checkpoint).not.toBe(checkpoint);
  });

  it('a checkpoint issued to another account runs a full sync', async () => {
    const { service, port } = setup();
    const theirs = TEST_TOKENS; // account-1's scope; the request is account-2's
    const checkpoint = encodeCheckpoint(theirs, { updatedAt: T0, id: '5' });

    const page = await service.sync(
      OTHER_AUTH,
      { synchronization_checkpoint: checkpoint },
      budget(),
    );

    expect(port.queries[0].after).toBeUndefined();
    expect(page.contacts).toHaveLength(2);
  });

  it('an unsigned checkpoint of an earlier version runs a full sync, with a warning that says so', async () => {
    const { service, port } = setup();
    const checkpoint = unsigned(encodeCheckpoint(TEST_TOKENS, { updatedAt: T0 - 7000, id: '3' }));

    await service.sync(TEST_AUTH, { synchronization_checkpoint: checkpoint }, budget());

    expect(port.queries[0].after).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/earlier version of the bridge.*full sync/);
  });

  it('a checkpoint signed with the previous secret is used, and handed back signed with the current one', async () => {
    const { service, port } = setup();
    const old = new TokenSigner('the secret before the rotation, 32+ chars').forAccount(
      'account-1',
    );
    // The service under test verifies with TEST_TOKEN_SIGNER; rotate it to accept `old`.
    const rotated = new TokenSigner('the test token secret, 32 characters or more', [
      'the secret before the rotation, 32+ chars',
    ]);
    (service as unknown as { tokens: TokenSigner }).tokens = rotated;
    const checkpoint = encodeCheckpoint(old, { updatedAt: T0, id: '5' });

    const page = await service.sync(
      TEST_AUTH,
      { synchronization_checkpoint: checkpoint },
      budget(),
    );

    expect(port.queries[0].after).toEqual({ updatedAt: T0, id: '5' });
    expect(page.contacts).toEqual([]);
    expect(page.synchronization_checkpoint).not.toBe(checkpoint);
    expect(TEST_TOKENS.check(page.synchronization_checkpoint)).toBe('current');
    // The same position; the read instant is the run's own (contact-sync.md: look-back).
    expect(decodeCheckpoint(TEST_TOKENS, page.synchronization_checkpoint)).toEqual({
      updatedAt: T0,
      id: '5',
      readTo: expect.any(Number),
    });
  });
  it('a context signed with the previous secret is handed back signed with the current one, the same run', async () => {
    const { service } = setup();
    const old = new TokenSigner('the secret before the rotation, 32+ chars').forAccount(
      'account-1',
    );
    const rotated = new TokenSigner('the test token secret, 32 characters or more', [
      'the secret before the rotation, 32+ chars',
    ]);
    (service as unknown as { tokens: TokenSigner }).tokens = rotated;
    const run = { until: T0 };
    const context = encodeContext(old, run);

    const page = await service.sync(
      TEST_AUTH,
      { offset: encodeOffset(old, { updatedAt: T0 - 9000, id: '1' }), context },
      budget(),
    );

    expect(page.contacts.map((c) => c.id)).toEqual(['2', '3']);
    expect(page.context).not.toBe(context);
    expect(TEST_TOKENS.check(page.context)).toBe('current');
    expect(decodeContext(TEST_TOKENS, page.context)).toEqual(run);
  });

  it('a context signed with the current secret is handed back as it came', async () => {
    const { service } = setup();
    const first = await service.sync(TEST_AUTH, null, budget());
    const second = await service.sync(
      TEST_AUTH,
      { offset: first.next_offset, context: first.context },
      budget(),
    );

    expect(second.context).toBe(first.context);
    expect(second.contacts.map((c) => c.id)).toEqual(['3', '4']);
  });
});
