import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { INBOX_RECEIVED_AT_INDEX, MESSAGING_TABLES, Sql } from '@seam/messaging';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { LOCAL_MODULES } from './modules.js';

describe("every module's inbox, as its migrations make it", () => {
  it.each(LOCAL_MODULES.map((local) => [local.name, local] as const))(
    '%s: has the received_at index its hourly prune reads',
    async (_, local) => {
      const dataSource = await openDataSource(dataSourceOptions(local.data, { kind: 'memory' }));
      try {
        const sql = new Sql(dataSource);
        const tables = await sql.rows<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`, []);
        expect({
          inbox: tables.some((table) => table.name === MESSAGING_TABLES.inbox),
          indexed: await sql.hasIndex(INBOX_RECEIVED_AT_INDEX),
        }).toEqual({ inbox: true, indexed: true });
      } finally {
        await dataSource.destroy();
      }
    },
  );
});
