import { Injectable } from '@nestjs/common';
import { AuthenticatedAccount, AuthFields, CredentialsPort } from '../ports';
import { verifyPassword } from './passwords';
import { sqlAccount } from './sql-account';
import { SqlDatabase } from './sql-database';
import { normalizeUsername } from './sql-writer';

@Injectable()
export class SqlCredentialsAdapter extends CredentialsPort {
  constructor(private readonly sql: SqlDatabase) {
    super();
  }

  async authenticate(auth: AuthFields): Promise<AuthenticatedAccount | null> {
    const { username, password } = auth;
    if (typeof username !== 'string' || typeof password !== 'string') return null;
    const row = await this.sql.db
      .selectFrom('accounts')
      .select(['id', 'password_hash'])
      .where('username', '=', normalizeUsername(username))
      .executeTakeFirst();
    if (!row || !(await verifyPassword(password, row.password_hash))) return null;
    return { account: sqlAccount(Number(row.id)) };
  }
}
