export * from './database-config.js';
export {
  isProduction,
  NODE_ENVIRONMENTS,
  type NodeEnvironment,
  NodeEnvironmentError,
  nodeEnvironment,
} from './node-environment.js';
export * from './module-data.js';
export * from './data-source-options.js';
export { openDataSource, prepareStorage, runMigrations } from './open-data-source.js';
export { DataSourceOpenError } from './open-failure.js';
export { MigrationFailedError } from './migration-failure.js';
export { type OpenRetries, openWithRetries } from './open-with-retries.js';
export { captureTransactionScope, insideTransactionOf, inTransaction } from './transaction.js';
export { commitWith } from './last-statement.js';
export {
  DATABASE_CONFIG,
  dataSourceToken,
  describeDataLocation,
  ModuleDataModule,
  SeamPersistenceModule,
} from './seam-persistence.module.js';
export { isUniqueViolation } from './unique-violation.js';
export * from './data-move/index.js';
export { DatabaseConfigError } from './database-config.error.js';
export * from './roles/index.js';
export { PreparedRead, type PreparedReadShape } from './prepared-read.js';
export { PreparedUpdate, type PreparedUpdateShape } from './prepared-update.js';
export { PreparedInsert, type PreparedInsertOptions } from './prepared-insert.js';
export { MAX_NAMED_STATEMENTS, namedStatement, namedStatementCount } from './named-statements.js';
