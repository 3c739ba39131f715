import 'reflect-metadata';
import { migrateModules } from './migrate/migrate-modules.js';
import { LOCAL_MODULES } from './modules.js';

/**
 * `npm run migrate`: brings every local module's database up to date — its SQLite file under
 * `DATA_DIR`, or its schema in PostgreSQL (`DATABASE_URL_<MODULE>`, else `DATABASE_URL`) — prints
 * which migrations ran, and exits (1 on failure). With `DATABASE_ADMIN_URL` it first gives every
 * module its own role owning its schema (see `migrateModules`). The app also migrates when it
 * starts; this is for deployments that migrate first.
 */
try {
  await migrateModules(LOCAL_MODULES, process.env, (line) => console.log(line));
} catch (error) {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
