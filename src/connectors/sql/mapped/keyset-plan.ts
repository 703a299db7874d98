import { CompiledQuery } from 'kysely';
import type { ContactsReader } from './contacts-reader';
import type { Row, SqlClient } from './sql-client';

/**
 * How the database runs the contacts' keyset query, from its EXPLAIN: whether it reads an index
 * in order (as it should) or scans the table or sorts, and the index that would spare it.
 */
export interface KeysetPlan {
  /** The plan as the database prints it. */
  lines: string[];
  warnings: string[];
}

interface PgNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PgNode[];
}

function pgNodes(node: PgNode, depth = 0, out: { node: PgNode; depth: number }[] = []) {
  out.push({ node, depth });
  for (const child of node.Plans ?? []) pgNodes(child, depth + 1, out);
  return out;
}

export async function explainKeysetQuery(
  client: SqlClient,
  contacts: ContactsReader,
  tenant: unknown,
): Promise<KeysetPlan> {
  // A page deep in the account: the query every page after the first one runs.
  const query = contacts.pageQuery(tenant, {
    after: { updatedAt: Date.now() - 86_400_000, id: contacts.placeholderId() },
    changedUntil: Date.now(),
    limit: 250,
  });
  const lines: string[] = [];
  let scans: string[] = [];
  let sorts = false;
  switch (client.dialect) {
    case 'sqlite': {
      const rows = await client.all(
        CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
      );
      for (const row of rows) {
        const detail = String(row[3]);
        lines.push(detail);
        const scan = /^SCAN (\S+)(?! USING)/.exec(detail);
        if (scan && !/USING (COVERING )?INDEX/.test(detail)) scans.push(scan[1]);
        if (/USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(detail)) sorts = true;
      }
      break;
    }
    case 'postgres': {
      // Told to avoid scans and sorts, the planner still does one only when no index can serve:
      // the verdict does not depend on how few rows a test database holds.
      const rows = await client.transaction(async (session) => {
        await session.all(CompiledQuery.raw('set local enable_seqscan = off'));
        await session.all(CompiledQuery.raw('set local enable_sort = off'));
        return session.all(
          CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
        );
      });
      const plan = (rows[0][0] as { Plan: PgNode }[])[0].Plan;
      for (const { node, depth } of pgNodes(plan)) {
        const on = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
        const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
        lines.push(`${'  '.repeat(depth)}${node['Node Type']}${on}${using}`);
        if (node['Node Type'] === 'Seq Scan') scans.push(node['Relation Name'] ?? '?');
        if (node['Node Type'] === 'Sort' || node['Node Type'] === 'Incremental Sort') sorts = true;
      }
      break;
    }
    case 'mysql': {
      const rows: Row[] = await client.all(
        CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]),
      );
      for (const row of rows) {
        const [, , table, type, , key, , , , extra] = row;
        lines.push(
          `${String(table)}: ${String(type)}${key ? ` using ${String(key)}` : ''}${extra ? ` (${String(extra)})` : ''}`,
        );
        if (type === 'ALL') scans.push(String(table));
        if (/filesort/i.test(String(extra ?? ''))) sorts = true;
      }
      break;
    }
  }
  scans = [...new Set(scans)];
  const warnings: string[] = [];
  if (scans.length > 0 || sorts) {
    const what = [
      ...scans.map((t) => `scans ${t}`),
      ...(sorts ? ['sorts the rows instead of reading them in index order'] : []),
    ].join(' and ');
    warnings.push(
      `The contacts' keyset query ${what}: every sync page would read far more than a page. ${contacts.indexAdvice()}`,
    );
  }
  return { lines, warnings };
}
