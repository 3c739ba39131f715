import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PaymentsContract } from '@contracts/payments';
import { FAKE_CARDS } from '@modules/payments';
import {
  type DatabaseConfig,
  databaseConfigFromEnv,
  dataLocationFromConfig,
  dataSourceOptions,
  moveModuleData,
  moduleUrlVariable,
  openDataSource,
  schemaOf,
} from '@seam/persistence';
import { ModuleHarness, postgresUnavailableReason, TEST_POSTGRES_URL, TemporaryPostgres } from '@seam/testing';
import { LOCAL_MODULES } from '../modules.js';
import { migrateModules } from './migrate-modules.js';

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;
/** Roles belong to the whole server: a prefix of its own keeps this run apart from any other. */
const prefix = `seam_t${randomBytes(5).toString('hex')}_`;
const roleOf = (module: string) => `${prefix}${schemaOf(module)}`;
const moduleNamed = (name: string) => LOCAL_MODULES.find((module) => module.name === name)!;

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

suite(
  `npm run migrate and data:move with one PostgreSQL role per module${reason ? ` — skipped: ${reason}` : ''}`,
  () => {
    let database: TemporaryPostgres;
    /** The environment of the migration job: the admin URL and every module's own URL. */
    let env: Record<string, string>;
    /** What a module's process reads: its own URL only, no admin, no shared URL. */
    let modulesConfig: DatabaseConfig;
    const dirs: string[] = [];
    const tempDir = () => {
      const dir = mkdtempSync(join(tmpdir(), 'seam-roles-'));
      dirs.push(dir);
      return dir;
    };

    beforeAll(async () => {
      database = await TemporaryPostgres.create();
      env = { DATABASE_ADMIN_URL: database.url };
      for (const { name } of LOCAL_MODULES) {
        const url = new URL(database.url);
        url.username = roleOf(name);
        url.password = randomBytes(24).toString('base64url');
        env[moduleUrlVariable(name)] = url.toString();
      }
      modulesConfig = databaseConfigFromEnv({ ...env, DATABASE_ADMIN_URL: '' });
    });
    afterAll(async () => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      await database?.drop();
      await withClient(TEST_POSTGRES_URL, async (admin) => {
        for (const { name } of LOCAL_MODULES) await admin.query(`DROP ROLE IF EXISTS "${roleOf(name)}"`);
      });
    });

    it("provisions every module's role, then runs each module's real migrations as that role", async () => {
      const lines: string[] = [];
      await migrateModules(LOCAL_MODULES, env, (line) => lines.push(line));
      for (const { name, data } of LOCAL_MODULES) {
        expect(lines).toContain(`${name}: role ${roleOf(name)} created; schema ${schemaOf(name)} created, owned by it`);
        const ran = lines.find((line) => line.startsWith(`${name} (`))!;
        expect(ran).toContain(`, as role ${roleOf(name)}): ran `);
        expect(ran.split(': ran ')[1].split(', ')).toHaveLength(data.migrations.length);
      }
      expect(lines.join('\n')).not.toContain(new URL(env[moduleUrlVariable('payments')]).password);
      const owners = await withClient(database.url, (admin) =>
        admin.query(
          `SELECT schemaname AS schema, string_agg(DISTINCT tableowner::text, ',') AS owners, count(*)::int AS tables
           FROM pg_tables WHERE schemaname = ANY($1) GROUP BY schemaname ORDER BY schemaname`,
          [LOCAL_MODULES.map(({ name }) => schemaOf(name))],
        ),
      );
      expect(owners.rows).toEqual(
        LOCAL_MODULES.map(({ name }) => ({
          schema: schemaOf(name),
          owners: roleOf(name),
          tables: expect.any(Number),
        })).toSorted((a, b) => a.schema.localeCompare(b.schema)),
      );
    });

    it('is idempotent: a second run provisions again and finds every module up to date', async () => {
      const lines: string[] = [];
      await migrateModules(LOCAL_MODULES, env, (line) => lines.push(line));
      for (const { name, data } of LOCAL_MODULES) {
        expect(lines).toContain(
          `${name}: role ${roleOf(name)} updated (attributes and password set again); schema ${schemaOf(name)} owned by it`,
        );
        expect(lines.find((line) => line.startsWith(`${name} (`))).toMatch(
          new RegExp(`: up to date \\(${data.migrations.length} migrations\\)$`),
        );
      }
    });

    it("denies payments' connection orders' real tables with 42501, and lets it use its own", async () => {
      const payments = await openDataSource(dataSourceOptions(moduleNamed('payments').data, modulesConfig));
      try {
        const [{ table: own }] = await payments.query(
          `SELECT table_name AS table FROM information_schema.tables WHERE table_schema = 'payments' AND table_name <> 'migrations' LIMIT 1`,
        );
        await expect(payments.query(`SELECT count(*) FROM "${own}"`)).resolves.toHaveLength(1);
        const ordersTables = await withClient(database.url, async (admin) => {
          const { rows } = await admin.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'orders'`);
          return rows.map(({ tablename }) => tablename as string);
        });
        expect(ordersTables.length).toBeGreaterThan(1);
        for (const table of ordersTables)
          await expect(payments.query(`SELECT * FROM orders."${table}" LIMIT 1`)).rejects.toMatchObject({
            driverError: expect.objectContaining({ code: '42501' }),
          });
      } finally {
        await payments.destroy();
      }
    });

    describe('data:move of the real payments module', () => {
      const payments = moduleNamed('payments');
      let source: string;
      let answers: unknown[];
      const ask = (harness: ModuleHarness, ids: string[]) =>
        Promise.all(ids.map((paymentId) => harness.client.send(PaymentsContract.getPayment, { paymentId })));
      let ids: string[];

      beforeAll(async () => {
        // Provisioned here too (idempotent), so that these tests stand on their own.
        await migrateModules(LOCAL_MODULES, env, () => undefined);
        source = tempDir();
        const harness = await ModuleHarness.start({
          module: payments.module,
          name: 'payments',
          database: { kind: 'sqlite', dataDir: source },
        });
        try {
          ids = [];
          for (const cardNumber of [FAKE_CARDS.approved, FAKE_CARDS.declined]) {
            const authorized = await harness.client.send(PaymentsContract.authorizePayment, {
              idempotencyKey: `key-${randomUUID()}`,
              orderId: randomUUID(),
              amount: { amount: 1_250, currency: 'EUR' },
              cardNumber,
            });
            ids.push(authorized.paymentId);
          }
          answers = await ask(harness, ids);
        } finally {
          await harness.close();
        }
      });

      it("SQLite → PostgreSQL as payments' own role: every row lands in its schema, owned by it, and the module answers the same", async () => {
        const report = await moveModuleData({
          data: payments.data,
          from: dataLocationFromConfig({ kind: 'sqlite', dataDir: source }, 'payments'),
          to: dataLocationFromConfig(modulesConfig, 'payments'),
        });
        expect(report.tables.every(({ sourceRows, targetRows }) => sourceRows === targetRows)).toBe(true);
        expect(report.tables.some(({ targetRows }) => targetRows > 0)).toBe(true);
        const owners = await withClient(database.url, async (admin) => {
          const { rows } = await admin.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'payments'`);
          return rows.map(({ tableowner }) => tableowner);
        });
        expect(owners).toEqual([roleOf('payments')]);
        const harness = await ModuleHarness.start({
          module: payments.module,
          name: 'payments',
          database: modulesConfig,
        });
        try {
          expect(await ask(harness, ids)).toEqual(answers);
        } finally {
          await harness.close();
        }
      });

      it("PostgreSQL → SQLite, reading as payments' own role", async () => {
        const back = tempDir();
        const report = await moveModuleData({
          data: payments.data,
          from: dataLocationFromConfig(modulesConfig, 'payments'),
          to: dataLocationFromConfig({ kind: 'sqlite', dataDir: back }, 'payments'),
        });
        expect(report.tables.every(({ sourceRows, targetRows }) => sourceRows === targetRows)).toBe(true);
      });

      it("fails, permission denied, to move into orders' schema with payments' credentials", async () => {
        const wrongRole = { ...dataLocationFromConfig(modulesConfig, 'payments'), schema: 'orders' };
        await expect(
          moveModuleData({
            data: payments.data,
            from: dataLocationFromConfig({ kind: 'sqlite', dataDir: source }, 'payments'),
            to: wrongRole,
          }),
        ).rejects.toMatchObject({ kind: 'failed', message: expect.stringMatching(/permission denied/) });
      });
    });
  },
);
