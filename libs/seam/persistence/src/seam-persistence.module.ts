import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { type DatabaseConfig, databaseConfigFromEnv } from './database-config.js';
import { dataSourceOptions } from './data-source-options.js';
import type { ModuleData } from './module-data.js';
import { openWithRetries } from './open-with-retries.js';

/** Injection token of the process's {@link DatabaseConfig}. */
export const DATABASE_CONFIG = Symbol.for('seam.database-config');

const logger = new Logger('SeamPersistence');

/**
 * Each module's own data. Import `forRoot` once in an app (where the data lives: SQLite files by
 * default, PostgreSQL with `DATABASE_URL` or one `DATABASE_URL_<MODULE>` per module, in memory in tests), and `forModule(data)` in each
 * module: it opens that module's own DataSource (a TypeORM connection named after the module),
 * runs its migrations, and makes its repositories injectable with
 * `@InjectRepository(Entity, '<module>')`.
 */
@Global()
@Module({})
export class SeamPersistenceModule {
  static forRoot(config: DatabaseConfig = databaseConfigFromEnv()): DynamicModule {
    return {
      module: SeamPersistenceModule,
      providers: [{ provide: DATABASE_CONFIG, useValue: config }],
      exports: [DATABASE_CONFIG],
    };
  }

  static forModule(data: ModuleData): DynamicModule {
    return {
      module: ModuleDataModule,
      imports: [
        TypeOrmModule.forRootAsync({
          name: data.module,
          inject: [DATABASE_CONFIG],
          useFactory: (config: DatabaseConfig) => ({
            ...dataSourceOptions(data, config),
            // Retried by openWithRetries, not by TypeOrmModule: it logs every try as an error with a
            // stack, and tries again a refused password or a failing migration as well.
            toRetry: () => false,
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await openWithRetries(data.module, options!, describeDataLocation(options!), logger);
            // Debug: the process's start-up summary says where each module's data is.
            logger.debug(`Module ${data.module}: ${describeDataLocation(options!)}, migrations applied`);
            return dataSource;
          },
        }),
        TypeOrmModule.forFeature(data.entities, data.module),
      ],
      exports: [TypeOrmModule],
    };
  }
}

/** The Nest module holding one module's DataSource and repositories. */
@Module({})
export class ModuleDataModule {}

/** The token of a module's DataSource (for health checks and transactions). */
export function dataSourceToken(module: string): string | symbol | Function {
  return getDataSourceToken(module) as string | symbol | Function; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
}

/** Where a DataSource's data lives, for start-up logs (no credentials): `SQLite file …`, `PostgreSQL host:port/db, schema …`. */
export function describeDataLocation(options: DataSourceOptions): string {
  if (options.type === 'postgres') {
    const url = new URL(options.url!);
    const role = url.username ? ` as role ${decodeURIComponent(url.username)}` : '';
    return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}, schema ${options.schema}${role}`;
  }
  return options.type === 'better-sqlite3' && options.database !== ':memory:'
    ? `SQLite file ${options.database}`
    : 'in-memory SQLite';
}

export type { DataSource };
