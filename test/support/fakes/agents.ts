import {
  AccountRef,
  AgentsPort,
  CallOptions,
  UserBatch,
  UserRecord,
} from '../../../src/connectors/ports';

/** Users paged by integer position, as AgentsPort documents. Records every call. */
export class FakeAgentsPort extends AgentsPort {
  readonly calls: { position: number | null; limit: number }[] = [];

  constructor(readonly users: UserRecord[] = []) {
    super();
  }

  async listUsers(
    _account: AccountRef,
    position: number | null,
    limit: number,
    _options?: CallOptions,
  ): Promise<UserBatch> {
    this.calls.push({ position, limit });
    const start = position ?? 0;
    const end = start + limit;
    return { records: this.users.slice(start, end), next: end < this.users.length ? end : null };
  }
}
