import { Injectable } from '@nestjs/common';
import { AuthenticatedAccount, AuthFields, CredentialsPort } from '../ports';
import { UNKNOWN_USER_HASH, verifyPassword } from './passwords';
import { sqlAccount } from './sql-account';
import { SqlDatabase } from './sql-database';
import { normalizeUsername } from './sql-writer';

@Injectable()
export class SqlCredentialsAdapter extends CredentialsPort {
  constructor(private readonly sql: SqlDatabase) {
    super();
  }

  override identityOf(auth: AuthFields): string | undefined {
    return typeof auth.username === 'string' ? normalizeUsername(auth.username) : undefined;
  }

  async authenticate(auth: AuthFields): Promise<AuthenticatedAccount | null> {
    const { username, password } = auth;
    if (typeof username !== 'string' || typeof password !== 'string') return null;
    const row = await this.sql.db
      .selectFrom('accounts')
      .select(['id', 'password_hash'])
      .where('username', '=', normalizeUsername(username))
      .executeTakeFirst();
    // An unknown username costs the same hash as a known one: timing tells no usernames apart.
    const matches = await verifyPassword(password, row?.password_hash ?? UNKNOWN_USER_HASH);
    if (!row || !matches) return null;
    return { account: sqlAccount(Number(row.id)) };
  }
}
