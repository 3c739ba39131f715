import 'reflect-metadata';
import { databaseConfigFromEnv, dataSourceOptions, openDataSource } from '@seam/persistence';
import { dataLocation } from './bootstrap/startup-summary.js';
import { LOCAL_MODULES } from './modules.js';

/**
 * `npm run migrate`: brings every local module's database up to date — its SQLite file under
 * `DATA_DIR`, or its schema in `DATABASE_URL` — prints which migrations ran, and exits (1 on
 * failure). The app also migrates when it starts; this is for deployments that migrate first.
 */
async function migrate(): Promise<void> {
  const database = databaseConfigFromEnv();
  for (const module of LOCAL_MODULES) {
    // Opened without running migrations, so that runMigrations() can report what it ran.
    const dataSource = await openDataSource({ ...dataSourceOptions(module.data, database), migrationsRun: false });
    try {
      const ran = await dataSource.runMigrations();
      const total = module.data.migrations.length;
      const what =
        ran.length === 0
          ? `up to date (${total} migrations)`
          : `ran ${ran.map((migration) => migration.name).join(', ')}`;
      console.log(`${module.name} (${dataLocation(module, database)}): ${what}`);
    } finally {
      await dataSource.destroy();
    }
  }
}

try {
  await migrate();
} catch (error) {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
