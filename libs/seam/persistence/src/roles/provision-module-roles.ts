import type { ClientBase } from 'pg';
import { DatabaseConfigError } from '../database-config.error.js';
import { schemaOf } from '../database-config.js';
import { quoteIdentifier } from '../sql-identifier.js';
import { checkModuleRoles, type ModuleRole } from './module-role.js';
import { scramSha256Verifier } from './scram-verifier.js';
import { revokeOthers, transferSchemaObjects } from './schema-ownership.js';

/** What provisioning did for one module. */
export interface ProvisionedModuleRole {
  readonly module: string;
  readonly role: string;
  readonly schema: string;
  /** The role was created (else it existed: its attributes and password were set again). */
  readonly roleCreated: boolean;
  /** The schema was created (else it existed and was given to the role). */
  readonly schemaCreated: boolean;
  /** Objects in the schema that changed owner to the role. */
  readonly objectsTransferred: number;
  /** Memberships of the role in other roles that were revoked. */
  readonly membershipsRevoked: readonly string[];
  /** Roles whose privileges on the schema or its objects were revoked (`PUBLIC` for everyone). */
  readonly privilegesRevokedFrom: readonly string[];
}

/** Provisioning reached the server and failed there; the whole run was rolled back. */
export class RoleProvisioningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoleProvisioningError';
  }
}

/** A module role may do nothing but log in and use what it owns. */
const ROLE_ATTRIBUTES: ReadonlyArray<readonly [column: string, wanted: boolean, keyword: string]> = [
  ['rolcanlogin', true, 'LOGIN'],
  ['rolsuper', false, 'NOSUPERUSER'],
  ['rolcreatedb', false, 'NOCREATEDB'],
  ['rolcreaterole', false, 'NOCREATEROLE'],
  ['rolinherit', false, 'NOINHERIT'],
  ['rolreplication', false, 'NOREPLICATION'],
  ['rolbypassrls', false, 'NOBYPASSRLS'],
];

/**
 * Gives each module its own PostgreSQL role owning its own schema, in the database of `adminUrl`
 * (a superuser; or the database owner with CREATEROLE, which is then made a member of each module
 * role and must own any schema that already exists).
 * Idempotent: run it on every deployment, and again with a new password to rotate one.
 *
 * Checks every name and password first ({@link checkModuleRoles}); nothing is sent before. Then,
 * in ONE transaction (serialised with other runs on the database by an advisory lock):
 * - creates each role, or resets an existing one, `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE
 *   NOINHERIT NOREPLICATION NOBYPASSRLS`, revokes its memberships in other roles, sets its password
 *   as a SCRAM verifier (the password itself is never sent), its `search_path` to its schema,
 *   and grants it CONNECT on the database; refuses to take over an existing superuser role;
 * - creates the schema owned by the role, or gives an existing schema and every object in it to
 *   the role, then revokes every privilege other roles and PUBLIC hold on it and its objects, and
 *   default privileges that would grant them new ones;
 * - revokes CREATE on the `public` schema and on the database from PUBLIC.
 * Asynchronous.
 *
 * @throws DatabaseConfigError before connecting, for a refused module, role or password.
 * @throws RoleProvisioningError for a failure on the server (nothing is kept); no password in it.
 */
export async function provisionModuleRoles(
  adminUrl: string,
  roles: readonly ModuleRole[],
): Promise<ProvisionedModuleRole[]> {
  checkModuleRoles(roles, adminRoleOf(adminUrl));
  // Imported here: the apps that bundle @seam/persistence start without the driver on SQLite.
  const { Client } = await import('pg');
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new RoleProvisioningError(`cannot connect with DATABASE_ADMIN_URL: ${scrub(error, roles, adminUrl)}`);
  }
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('seam.provision-module-roles'))");
    const { rows } = await client.query<{ name: string }>('SELECT current_user AS name');
    const own = roles.find(({ role }) => role === rows[0].name);
    if (own)
      throw new RoleProvisioningError(
        `module ${own.module}: role ${own.role} is the role provisioning runs as; a module needs a role of its own`,
      );
    const report: ProvisionedModuleRole[] = [];
    for (const role of roles) report.push(await provisionOne(client, role));
    if ((await client.query("SELECT 1 FROM pg_namespace WHERE nspname = 'public'")).rowCount! > 0)
      await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await client.query(`REVOKE CREATE ON DATABASE ${await currentDatabase(client)} FROM PUBLIC`);
    await client.query('COMMIT');
    return report;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof RoleProvisioningError) throw error;
    throw new RoleProvisioningError(`provisioning the module roles failed: ${scrub(error, roles, adminUrl)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function provisionOne(
  client: ClientBase,
  { module, role, password }: ModuleRole,
): Promise<ProvisionedModuleRole> {
  const schema = schemaOf(module);
  const [quotedRole, quotedSchema] = [quoteIdentifier(role), quoteIdentifier(schema)];
  const existing = await client.query<Record<string, boolean>>('SELECT * FROM pg_roles WHERE rolname = $1', [role]);
  const current = existing.rows[0];
  if (current?.rolsuper)
    throw new RoleProvisioningError(
      `module ${module}: role ${role} exists and is a superuser; refusing to take it over`,
    );
  // A literal cannot be bound in CREATE/ALTER ROLE; the verifier holds only base64, digits, '$' and ':'.
  const secret = `'${scramSha256Verifier(password)}'`;
  // An existing role is altered only where it differs: PostgreSQL lets only a superuser name some
  // attributes in ALTER ROLE at all, even to keep them off.
  const attributes = ROLE_ATTRIBUTES.filter(([column, wanted]) => !current || current[column] !== wanted).map(
    ([, , keyword]) => keyword,
  );
  const verb = current ? 'ALTER' : 'CREATE';
  await client.query(`${verb} ROLE ${quotedRole} WITH ${[...attributes, `PASSWORD ${secret}`].join(' ')}`);
  // Giving a schema to a role takes membership in it, which a superuser has without asking.
  if (!(await isSuperuser(client))) await grantToSelf(client, quotedRole);
  const memberships = await client.query<{ name: string }>(
    `SELECT m.roleid::regrole::text AS name FROM pg_auth_members m WHERE m.member = to_regrole($1) ORDER BY 1`,
    [quotedRole],
  );
  for (const { name } of memberships.rows) await client.query(`REVOKE ${name} FROM ${quotedRole}`);
  const database = await currentDatabase(client);
  await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${quotedRole}`);
  await client.query(`ALTER ROLE ${quotedRole} IN DATABASE ${database} SET search_path = ${quotedSchema}`);
  const schemaExists = (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount! > 0;
  let objectsTransferred = 0;
  if (schemaExists) {
    await client.query(`ALTER SCHEMA ${quotedSchema} OWNER TO ${quotedRole}`);
    objectsTransferred = await transferSchemaObjects(client, schema, role);
  } else {
    await client.query(`CREATE SCHEMA ${quotedSchema} AUTHORIZATION ${quotedRole}`);
  }
  const privilegesRevokedFrom = await revokeOthers(client, schema, role);
  return {
    module,
    role,
    schema,
    roleCreated: !current,
    schemaCreated: !schemaExists,
    objectsTransferred,
    membershipsRevoked: memberships.rows.map(({ name }) => name),
    privilegesRevokedFrom,
  };
}

async function isSuperuser(client: ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ on: string }>(`SELECT current_setting('is_superuser') AS on`);
  return rows[0].on === 'on';
}

/**
 * Lets the (non-superuser) admin act as the module role, as giving a schema to it requires. From
 * PostgreSQL 16 membership alone is not enough: the grant must carry SET (and needs no INHERIT).
 */
async function grantToSelf(client: ClientBase, quotedRole: string): Promise<void> {
  const { rows } = await client.query<{ version: number }>(
    `SELECT current_setting('server_version_num')::int AS version`,
  );
  const setOption = rows[0].version >= 160_000;
  const { rows: can } = await client.query<{ can: boolean }>('SELECT pg_has_role(to_regrole($1), $2) AS can', [
    quotedRole,
    setOption ? 'SET' : 'MEMBER',
  ]);
  if (!can[0].can)
    await client.query(`GRANT ${quotedRole} TO CURRENT_USER${setOption ? ' WITH SET TRUE, INHERIT FALSE' : ''}`);
}

async function currentDatabase(client: ClientBase): Promise<string> {
  const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
  return quoteIdentifier(rows[0].name);
}

/** The user of the admin URL, which no module may be given as its role. */
function adminRoleOf(adminUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(adminUrl);
  } catch {
    throw new DatabaseConfigError(
      'DATABASE_ADMIN_URL is not a URL (expected postgres://user:password@host:5432/database)',
      'DATABASE_ADMIN_URL',
    );
  }
  return url.username ? decodeURIComponent(url.username) : undefined;
}

/** A driver message with every password of the run masked. */
function scrub(error: unknown, roles: readonly ModuleRole[], adminUrl: string): string {
  let message = error instanceof Error ? error.message : String(error);
  const adminPassword = URL.canParse(adminUrl) ? new URL(adminUrl).password : '';
  for (const secret of [adminPassword, safeDecode(adminPassword), ...roles.map(({ password }) => password)])
    if (secret) message = message.split(secret).join('***');
  return message.replace(/\s*\n\s*/g, ' ');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
