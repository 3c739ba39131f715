import {
  type DatabaseConfig,
  DatabaseConfigError,
  databaseConfigFromEnv,
  dataSourceOptions,
  moduleRolesFromEnv,
  moduleUrlCoverage,
  openDataSource,
  type ProvisionedModuleRole,
  provisionModuleRoles,
  runMigrations,
} from '@seam/persistence';
import { dataLocation } from '../bootstrap/startup-summary.js';
import type { LocalModule } from '../modules.js';

/**
 * What `npm run migrate` does, for `modules` under `env`:
 * 1. reads the database config (`DATABASE_URL`, `DATABASE_URL_<MODULE>`, else `DATA_DIR`) and
 *    refuses a `DATABASE_URL_<X>` that names no module;
 * 2. with `DATABASE_ADMIN_URL`, provisions each module's own role and schema first (see
 *    `provisionModuleRoles`; every module then needs its `DATABASE_URL_<MODULE>`, whose user and
 *    password the role gets);
 * 3. runs each module's pending migrations through the module's own connection — as its own role
 *    when it has one — and prints what ran.
 * Idempotent. Prints no password. Asynchronous.
 *
 * @throws DatabaseConfigError for a setting that cannot work, before anything is changed.
 * @throws RoleProvisioningError, or the driver's error for a migration that failed.
 */
export async function migrateModules(
  modules: readonly LocalModule[],
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
): Promise<void> {
  const database = databaseConfigFromEnv(env);
  const names = modules.map(({ name }) => name);
  const coverage = moduleUrlCoverage(database, names);
  if (coverage.unknownVariables.length > 0)
    throw new DatabaseConfigError(
      `${coverage.unknownVariables.join(', ')} ${coverage.unknownVariables.length === 1 ? 'names' : 'name'} no module of this binary (modules: ${names.join(', ')})`,
      coverage.unknownVariables[0],
    );
  const plan = moduleRolesFromEnv(env, names);
  if (plan)
    for (const provisioned of await provisionModuleRoles(plan.adminUrl, plan.roles)) print(describe(provisioned));
  else if (database.kind === 'postgres' && coverage.shared.length > 0)
    print(
      `note: ${coverage.shared.join(', ')} connect with the shared DATABASE_URL, whose role can read every module's schema; give each module its own DATABASE_URL_<MODULE> role (docs/security.md)`,
    );
  for (const module of modules) await migrateOne(module, database, print);
}

async function migrateOne(module: LocalModule, database: DatabaseConfig, print: (line: string) => void): Promise<void> {
  // Opened without running migrations, so that runMigrations() can report what it ran.
  const dataSource = await openDataSource({ ...dataSourceOptions(module.data, database), migrationsRun: false });
  try {
    // Under the same lock as a starting app's: replicas may be starting while this runs.
    const ran = await runMigrations(dataSource);
    const total = module.data.migrations.length;
    const what =
      ran.length === 0
        ? `up to date (${total} migrations)`
        : `ran ${ran.map((migration) => migration.name).join(', ')}`;
    const [{ role }] = database.kind === 'postgres' ? await dataSource.query('SELECT current_user AS role') : [{}];
    print(`${module.name} (${dataLocation(module, database)}${role ? `, as role ${role}` : ''}): ${what}`);
  } finally {
    await dataSource.destroy();
  }
}

function describe(provisioned: ProvisionedModuleRole): string {
  const { module, role, schema, roleCreated, schemaCreated, objectsTransferred } = provisioned;
  const revoked = [
    ...provisioned.membershipsRevoked.map((name) => `membership in ${name}`),
    ...provisioned.privilegesRevokedFrom.map((name) => `privileges of ${name}`),
  ];
  return [
    `${module}: role ${role} ${roleCreated ? 'created' : 'updated (attributes and password set again)'}`,
    schemaCreated
      ? `schema ${schema} created, owned by it`
      : `schema ${schema} owned by it${objectsTransferred > 0 ? ` (${objectsTransferred} objects given to it)` : ''}`,
    ...(revoked.length > 0 ? [`revoked ${revoked.join(', ')}`] : []),
  ].join('; ');
}
