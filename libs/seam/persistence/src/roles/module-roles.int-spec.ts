import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { postgresUnavailableReason, TEST_POSTGRES_URL, TemporaryPostgres } from '@seam/testing';
import { type DataSource, type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { DatabaseConfigError } from '../database-config.error.js';
import type { DatabaseConfig } from '../database-config.js';
import { dataSourceOptions } from '../data-source-options.js';
import { defineModuleData } from '../module-data.js';
import { openDataSource } from '../open-data-source.js';
import type { ModuleRole } from './module-role.js';
import { provisionModuleRoles, RoleProvisioningError } from './provision-module-roles.js';
import { scramSha256Verifier } from './scram-verifier.js';

class CreateNote1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({ name: 'note', columns: [{ name: 'id', type: 'varchar', length: '10', isPrimary: true }] }),
    );
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('note');
  }
}

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;
/** Roles belong to the whole server: a prefix of its own keeps this run apart from any other. */
const prefix = `seam_t${randomBytes(5).toString('hex')}_`;
const password = () => randomBytes(24).toString('base64');
const data = (module: string) => defineModuleData({ module, entities: [], migrations: [CreateNote1700000000000] });

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

suite(`each module's own PostgreSQL role${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let database: TemporaryPostgres;
  let roles: ModuleRole[];
  let config: Extract<DatabaseConfig, { kind: 'postgres' }>;
  let payments: DataSource;
  let orders: DataSource;
  const extraRoles: string[] = [];
  const urlOf = ({ role, password: secret }: ModuleRole) => {
    const url = new URL(database.url);
    url.username = role;
    url.password = encodeURIComponent(secret);
    return url.toString();
  };

  beforeAll(async () => {
    database = await TemporaryPostgres.create();
    roles = ['payments', 'orders'].map((module) => ({ module, role: `${prefix}${module}`, password: password() }));
    // The shared-role layout this replaces: orders' schema exists, owned by the admin, open to everyone.
    await withClient(database.url, async (admin) => {
      await admin.query('CREATE SCHEMA orders');
      await admin.query('CREATE TABLE orders.legacy (id serial PRIMARY KEY, note text)');
      await admin.query("INSERT INTO orders.legacy (note) VALUES ('kept')");
      await admin.query('GRANT USAGE ON SCHEMA orders TO PUBLIC');
      await admin.query('GRANT SELECT ON orders.legacy TO PUBLIC');
      await admin.query('ALTER DEFAULT PRIVILEGES IN SCHEMA orders GRANT SELECT ON TABLES TO PUBLIC');
    });
    await provisionModuleRoles(database.url, roles);
    config = { kind: 'postgres', moduleUrls: { payments: urlOf(roles[0]), orders: urlOf(roles[1]) } };
    payments = await openDataSource(dataSourceOptions(data('payments'), config));
    orders = await openDataSource(dataSourceOptions(data('orders'), config));
  });
  afterAll(async () => {
    await payments?.destroy();
    await orders?.destroy();
    await database?.drop();
    await withClient(TEST_POSTGRES_URL, async (admin) => {
      for (const name of [...(roles ?? []).map(({ role }) => role), ...extraRoles])
        await admin.query(`DROP ROLE IF EXISTS "${name}"`);
    });
  });

  const deniedCode = (promise: Promise<unknown>) =>
    promise.then(
      () => 'allowed',
      (error: { code?: string; driverError?: { code?: string } }) => error.driverError?.code ?? error.code,
    );

  it('creates login roles that can do nothing else, members of no other role', async () => {
    const rows = await withClient(database.url, (admin) =>
      admin.query(
        `SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolreplication, rolbypassrls,
                left(rolpassword, 14) AS secret, (SELECT count(*)::int FROM pg_auth_members WHERE member = a.oid) AS memberships
           FROM pg_authid a WHERE rolname = ANY($1) ORDER BY rolname`,
        [roles.map(({ role }) => role)],
      ),
    );
    expect(rows.rows).toEqual(
      [roles[1], roles[0]].map(({ role }) => ({
        rolname: role,
        rolcanlogin: true,
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolinherit: false,
        rolreplication: false,
        rolbypassrls: false,
        secret: 'SCRAM-SHA-256$',
        memberships: 0,
      })),
    );
  });

  it("runs each module's migrations as its own role, into the schema it owns", async () => {
    expect(await payments.query('SELECT current_user AS role')).toEqual([{ role: roles[0].role }]);
    const owners = await payments.query(
      `SELECT n.nspname AS schema, n.nspowner::regrole::text AS owner,
              (SELECT string_agg(tablename || ':' || tableowner, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = n.nspname) AS tables
         FROM pg_namespace n WHERE n.nspname IN ('payments', 'orders') ORDER BY 1`,
    );
    expect(owners).toEqual([
      {
        schema: 'orders',
        owner: roles[1].role,
        tables: `legacy:${roles[1].role},migrations:${roles[1].role},note:${roles[1].role}`,
      },
      { schema: 'payments', owner: roles[0].role, tables: `migrations:${roles[0].role},note:${roles[0].role}` },
    ]);
  });

  it('lets payments read and write its own tables', async () => {
    await payments.query(`INSERT INTO note (id) VALUES ('p1')`);
    expect(await payments.query('SELECT id FROM payments.note')).toEqual([{ id: 'p1' }]);
  });

  it("denies payments every read and write of orders' tables, old and new, with 42501", async () => {
    await orders.query(`INSERT INTO note (id) VALUES ('o1')`);
    expect(await deniedCode(payments.query('SELECT id FROM orders.note'))).toBe('42501');
    expect(await deniedCode(payments.query('SELECT note FROM orders.legacy'))).toBe('42501');
    expect(await deniedCode(payments.query(`INSERT INTO orders.note (id) VALUES ('x')`))).toBe('42501');
    expect(await deniedCode(payments.query('CREATE TABLE orders.planted (id int)'))).toBe('42501');
    // And orders keeps the rows it had before it got a role of its own.
    expect(await orders.query('SELECT note FROM legacy')).toEqual([{ note: 'kept' }]);
  });

  it("refuses to open another module's schema, or a missing one, with a role that was not provisioned for it", async () => {
    const wrong = { kind: 'postgres', moduleUrls: { orders: urlOf(roles[0]), catalog: urlOf(roles[0]) } } as const;
    await expect(openDataSource(dataSourceOptions(data('orders'), wrong))).rejects.toThrow(
      new DatabaseConfigError(
        `role ${roles[0].role} may not use schema orders: give the module its own role first (npm run migrate with DATABASE_ADMIN_URL and DATABASE_URL_ORDERS)`,
      ),
    );
    await expect(openDataSource(dataSourceOptions(data('catalog'), wrong))).rejects.toThrow(
      `role ${roles[0].role} may not create schema catalog`,
    );
  });

  it('denies a module role new schemas and tables in public', async () => {
    expect(await deniedCode(payments.query('CREATE SCHEMA elsewhere'))).toBe('42501');
    expect(await deniedCode(payments.query('CREATE TABLE public.planted (id int)'))).toBe('42501');
  });

  it('takes back the privileges others held on an existing schema', async () => {
    const grants = await withClient(database.url, (admin) =>
      admin.query(
        `SELECT has_schema_privilege('public', 'orders', 'USAGE') AS usage,
                (SELECT count(*)::int FROM pg_default_acl WHERE defaclnamespace = 'orders'::regnamespace
                   AND EXISTS (SELECT 1 FROM aclexplode(defaclacl) a WHERE a.grantee = 0)) AS defaults`,
      ),
    );
    expect(grants.rows).toEqual([{ usage: false, defaults: 0 }]);
  });

  it('is idempotent, and rotates a password by running again', async () => {
    const secretOf = () =>
      withClient(database.url, async (admin) => {
        const { rows } = await admin.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [roles[0].role]);
        return rows[0].rolpassword as string;
      });
    const before = await secretOf();
    const rotated = roles.map((role, index) => (index === 0 ? { ...role, password: password() } : role));
    const report = await provisionModuleRoles(database.url, rotated);
    expect(
      report.map(({ roleCreated, schemaCreated, objectsTransferred }) => ({
        roleCreated,
        schemaCreated,
        objectsTransferred,
      })),
    ).toEqual([
      { roleCreated: false, schemaCreated: false, objectsTransferred: 0 },
      { roleCreated: false, schemaCreated: false, objectsTransferred: 0 },
    ]);
    expect(await secretOf()).not.toBe(before);
    expect(await payments.query('SELECT id FROM note')).toEqual([{ id: 'p1' }]);
  });

  it('takes back a membership that would let payments act as orders', async () => {
    await withClient(database.url, (admin) => admin.query(`GRANT "${roles[1].role}" TO "${roles[0].role}"`));
    // The hole this closes: with the membership, payments may SET ROLE to orders and read its tables.
    expect(await deniedCode(payments.query(`SET ROLE "${roles[1].role}"; RESET ROLE`))).toBe('allowed');
    const [report] = await provisionModuleRoles(database.url, roles);
    expect(report.membershipsRevoked).toEqual([roles[1].role]);
    expect(await deniedCode(payments.query(`SET ROLE "${roles[1].role}"`))).toBe('42501');
  });

  it('sets the same SCRAM verifier the server would derive from the password', async () => {
    const role = `${prefix}kat`;
    extraRoles.push(role);
    const secret = password();
    const stored = await withClient(database.url, async (admin) => {
      await admin.query(`SET password_encryption = 'scram-sha-256'`);
      await admin.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${secret}'`);
      const { rows } = await admin.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
      return rows[0].rolpassword as string;
    });
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored)!;
    expect(scramSha256Verifier(secret, Buffer.from(salt, 'base64'), Number(iterations))).toBe(stored);
  });

  it('refuses a hostile module or role name before any SQL', async () => {
    const hostile: ModuleRole[] = [
      { module: `orders"; DROP SCHEMA payments CASCADE; --`, role: `${prefix}x`, password: password() },
      { module: 'payments', role: `x"; DROP SCHEMA orders CASCADE; --`, password: password() },
      { module: 'payments', role: 'pg_read_all_data', password: password() },
    ];
    for (const role of hostile)
      await expect(provisionModuleRoles(database.url, [role])).rejects.toBeInstanceOf(DatabaseConfigError);
    const schemas = await payments.query(
      `SELECT nspname FROM pg_namespace WHERE nspname IN ('orders', 'payments') ORDER BY 1`,
    );
    expect(schemas).toEqual([{ nspname: 'orders' }, { nspname: 'payments' }]);
  });

  it('provisions, and provisions again, as a non-superuser database owner with CREATEROLE', async () => {
    const admin = `${prefix}admin`;
    const catalog: ModuleRole = { module: 'catalog', role: `${prefix}catalog`, password: password() };
    extraRoles.push(catalog.role, admin);
    const name = new URL(database.url).pathname.slice(1);
    await withClient(database.url, async (client) => {
      await client.query(`CREATE ROLE "${admin}" LOGIN CREATEROLE`);
      await client.query(`ALTER DATABASE "${name}" OWNER TO "${admin}"`);
    });
    const adminUrl = new URL(database.url);
    adminUrl.username = admin;
    for (const run of [1, 2]) {
      const [report] = await provisionModuleRoles(adminUrl.toString(), [catalog]);
      expect({ run, created: report.roleCreated }).toEqual({ run, created: run === 1 });
    }
    const rows = await withClient(database.url, (client) =>
      client.query(
        `SELECT nspowner::regrole::text AS owner, (SELECT rolsuper OR rolcreaterole OR rolinherit FROM pg_roles WHERE rolname = $1) AS more
           FROM pg_namespace WHERE nspname = 'catalog'`,
        [catalog.role],
      ),
    );
    expect(rows.rows).toEqual([{ owner: catalog.role, more: false }]);
  });

  it('refuses to take over a superuser role, and keeps nothing of the run', async () => {
    const role = `${prefix}su`;
    extraRoles.push(role);
    await withClient(database.url, (admin) => admin.query(`CREATE ROLE "${role}" SUPERUSER`));
    const run = provisionModuleRoles(database.url, [roles[1], { module: 'payments', role, password: password() }]);
    await expect(run).rejects.toThrow(RoleProvisioningError);
    await expect(run).rejects.toThrow(/is a superuser; refusing/);
    const rows = await withClient(database.url, (admin) =>
      admin.query('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [role]),
    );
    expect(rows.rows).toEqual([{ rolsuper: true }]);
  });
});
