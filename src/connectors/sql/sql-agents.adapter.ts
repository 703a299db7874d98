import { Injectable } from '@nestjs/common';
import { AccountRef, AgentsPort, UserBatch } from '../ports';
import { accountId } from './sql-account';
import { SqlDatabase } from './sql-database';

/** Users paged by id: the integer position is the last id sent, so deletions never shift a page. */
@Injectable()
export class SqlAgentsAdapter extends AgentsPort {
  constructor(private readonly sql: SqlDatabase) {
    super();
  }

  async listUsers(account: AccountRef, position: number | null, limit: number): Promise<UserBatch> {
    let select = this.sql.db
      .selectFrom('users')
      .select(['id', 'name', 'email'])
      .where('account_id', '=', accountId(account));
    if (position !== null) select = select.where('id', '>', position);
    const rows = await select
      .orderBy('id')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const next = rows.length > limit ? Number(page[page.length - 1].id) : null;
    return { records: page.map((r) => ({ id: String(r.id), name: r.name, email: r.email })), next };
  }
}
