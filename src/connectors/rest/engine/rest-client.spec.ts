import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { UpstreamError } from '../../ports/errors';
import { ExpressionError, ExpressionTimeoutError } from '../manifest/expression';
import { loadManifest } from '../manifest/load-manifest';
import { Mapped } from './mapper';
import { RestClient } from './rest-client';

describe('RestClient.mapAll', () => {
  let client: RestClient;
  beforeAll(() => {
    const manifest = loadManifest(join(__dirname, '../../../../connectors/hubspot.yaml'));
    const logger = new Logger('test');
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    client = new RestClient(manifest, { logger });
  });
  afterAll(() => client.close());

  const records = [{ n: 1 }, { n: 2 }, { n: 3 }];
  const failing =
    (error: Error) =>
    (r: unknown): Promise<Mapped<{ n: number }>> =>
      (r as { n: number }).n === 2
        ? Promise.reject(error)
        : Promise.resolve({ record: r as { n: number } });

  it('drops a record whose expression fails on it, and keeps the others', async () => {
    const out = await client.mapAll('contacts', records, 0, failing(new ExpressionError('bad')));
    expect(out.map((o) => o.value?.n)).toEqual([1, undefined, 3]);
  });

  it('fails the batch when an expression ran out of time: the record is not lost', async () => {
    const timedOut = new ExpressionTimeoutError(
      'expression "x" failed: it ran longer than allowed',
    );
    const mapping = client.mapAll('contacts', records, 0, failing(timedOut));
    await expect(mapping).rejects.toThrow(UpstreamError);
    await expect(mapping).rejects.toThrow(/contacts record #1: .*ran longer than allowed/);
  });
});
