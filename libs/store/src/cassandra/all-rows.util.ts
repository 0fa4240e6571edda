import type { Client, types } from 'cassandra-driver';

/** Every row of a query, following the driver's paging (a single execute stops at one page). */
export async function allRows(client: Client, query: string, params: unknown[] = [], fetchSize = 1000): Promise<types.Row[]> {
  const rows: types.Row[] = [];
  let pageState: string | undefined;
  do {
    const page = await client.execute(query, params, { prepare: true, fetchSize, pageState });
    rows.push(...page.rows);
    pageState = page.pageState ?? undefined;
  } while (pageState);
  return rows;
}
