import Type from 'typebox';
import { strict } from './schema-builder';

const PACING_FIELDS = {
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
};

export const PacingSchema = strict(PACING_FIELDS, {
  description:
    'How fast the upstream may be called: at most `requests` per `interval_ms` for one account’s credentials (counted by a hash of them), in every replica together when `REDIS_URL` is set. A request beyond waits for the next interval, within the request budget (else the answer is `503` with `Retry-After`). Intervals are fixed windows: declare a little under a vendor’s sliding limit (4 per second for 5).',
});

/** A request's own pacing: the manifest's fields, and a key requests of one limit share. */
export const RequestPacingSchema = strict(
  {
    ...PACING_FIELDS,
    key: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_.-]{1,64}$',
        description:
          'Requests whose `pacing` names the same key are counted in the same windows (per account’s credentials): one vendor limit over several endpoints, such as HubSpot’s CRM search limit shared by the contacts, tickets, notes, calls and tasks searches. They must declare the same `requests` and `interval_ms`. Without a key, the request’s windows are its own.',
      }),
    ),
  },
  {
    description:
      'A limit of this endpoint of its own, besides the manifest’s `pacing`: at most `requests` per `interval_ms`.',
  },
);
