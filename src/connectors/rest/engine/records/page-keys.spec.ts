import { join } from 'node:path';
import { loadManifest } from '../../manifest/load-manifest';
import { RestClient } from '../rest-client';
import { pageKeys } from './page-keys';

describe('pageKeys', () => {
  const manifest = loadManifest(join(__dirname, '../../../../../connectors/helpdesk.yaml'));
  const fields = manifest.contacts!.fields;
  const scope = { auth: { subdomain: 'acme' } };
  const page = () => [
    { id: 7, updated_at: '2024-05-01T12:30:00Z', name: 'Ada' },
    { name: 'no id' },
    { id: 8, updated_at: '2024-05-01T12:30:01.250Z' },
  ];
  let client: RestClient;

  beforeEach(() => {
    client = new RestClient(manifest);
  });
  afterEach(() => client.close());

  it('answers the id and update time of each record, none for one that cannot be mapped', async () => {
    expect(await pageKeys(client, fields, page(), scope, 'ck')).toEqual([
      { index: 0, value: { id: '7', updatedAt: Date.UTC(2024, 4, 1, 12, 30, 0) } },
      { index: 1 },
      { index: 2, value: { id: '8', updatedAt: Date.UTC(2024, 4, 1, 12, 30, 1, 250) } },
    ]);
  });

  it('computes the keys of one list of records once, for the same fields and credentials', async () => {
    const mapAll = jest.spyOn(client, 'mapAll');
    const records = page();
    const first = await pageKeys(client, fields, records, scope, 'ck');
    expect(await pageKeys(client, fields, records, scope, 'ck')).toBe(first);
    expect(mapAll).toHaveBeenCalledTimes(1);
  });

  it('computes them again for another list of the same records, or other credentials', async () => {
    const mapAll = jest.spyOn(client, 'mapAll');
    const records = page();
    const first = await pageKeys(client, fields, records, scope, 'ck');
    const copied = await pageKeys(client, fields, page(), scope, 'ck');
    const otherCredentials = await pageKeys(client, fields, records, scope, 'other');
    expect(mapAll).toHaveBeenCalledTimes(3);
    expect(copied).toEqual(first);
    expect(otherCredentials).toEqual(first);
    expect(otherCredentials).not.toBe(first);
  });
});
