import Type from 'typebox';
import { strict } from './schema-builder';

export const PacingSchema = strict(
  {
    requests: Type.Integer({
      minimum: 1,
      maximum: 100000,
      description: 'Most requests in one interval, per account credentials.',
    }),
    interval_ms: Type.Integer({
      minimum: 10,
      maximum: 3600000,
      description: 'The interval, in milliseconds (e.g. `1000` for a per-second limit).',
    }),
  },
  {
    description:
      'How fast the upstream may be called: at most `requests` per `interval_ms` for one account’s credentials (counted by a hash of them), in every replica together when `REDIS_URL` is set. A request beyond waits for the next interval, within the request budget (else the answer is `503` with `Retry-After`). Intervals are fixed windows: declare a little under a vendor’s sliding limit (4 per second for 5).',
  },
);
