import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { OutboxStore, Sql } from '@seam/messaging';
import { databaseConfigFromEnv, dataSourceOptions, openDataSource } from '@seam/persistence';
import { DEAD_LETTERS_USAGE, DeadLettersUsageError, parseDeadLettersArgs } from './dead-letters/dead-letters.args.js';
import { staleReplayWarning } from './dead-letters/stale-replays.js';
import { LOCAL_MODULES } from './modules.js';

/**
 * `npm run dead-letters -- <module> list | replay <event-id>… | --all`: lists the events a
 * module's relay gave up on (oldest first: id, pattern, aggregate, attempts, last error), or puts
 * them back in its outbox with fresh attempts — same event ids, so consumers that already applied
 * one skip it (for as long as their inbox keeps its entry: a replay of events older than that is
 * warned about on stderr). Works on the module's database as the app finds it (`DATABASE_URL`, else
 * `DATA_DIR`); a running relay picks replayed events up within its poll interval. On SQLite the
 * module's file must exist: a wrong `DATA_DIR` is refused, not answered with a new, empty database
 * and "0 dead letter(s)". Exit 0 on success, 2 on a usage error, 1 on any other failure.
 */
async function deadLetters(argv: readonly string[]): Promise<void> {
  const args = parseDeadLettersArgs(
    argv,
    LOCAL_MODULES.map(({ name }) => name),
  );
  if (args.help) {
    console.log(DEAD_LETTERS_USAGE);
    return;
  }
  const { data } = LOCAL_MODULES.find(({ name }) => name === args.module)!;
  let database;
  try {
    database = databaseConfigFromEnv();
  } catch (error) {
    throw new DeadLettersUsageError((error as Error).message);
  }
  const options = dataSourceOptions(data, database);
  // As data:move refuses a missing source: opening it would create and migrate an empty file.
  if (database.kind === 'sqlite' && typeof options.database === 'string' && !existsSync(options.database))
    throw new Error(`no database for ${args.module} at ${options.database}: is DATA_DIR the directory the app uses?`);
  const dataSource = await openDataSource(options);
  try {
    const store = new OutboxStore(new Sql(dataSource));
    if (args.action === 'list') {
      const letters = await store.deadLetters();
      console.log(`${args.module}: ${letters.length} dead letter(s)`);
      for (const letter of letters) {
        console.log(
          `${letter.eventId}  ${letter.pattern}  aggregate ${letter.aggregateId}  ${letter.attempts} attempt(s)  failed ${letter.failedAt}  ${letter.lastError}`,
        );
      }
      return;
    }
    const letters = await store.deadLetters();
    const replayed = await store.replay(args.eventIds ? [...args.eventIds] : undefined);
    const missing = (args.eventIds ?? []).filter((id) => !replayed.includes(id));
    console.log(
      `${args.module}: ${replayed.length} event(s) back in the outbox${replayed.length > 0 ? `: ${replayed.join(', ')}` : ''}`,
    );
    const warning = staleReplayWarning(letters, replayed, Date.now());
    if (warning) console.error(`dead-letters: warning: ${warning}`);
    if (missing.length > 0) throw new Error(`no dead letter ${missing.join(', ')} in ${args.module}`);
  } finally {
    await dataSource.destroy();
  }
}

try {
  await deadLetters(process.argv.slice(2));
} catch (error) {
  const usage = error instanceof DeadLettersUsageError;
  console.error(
    `dead-letters: ${error instanceof Error ? error.message : String(error)}${usage ? ' (--help for usage)' : ''}`,
  );
  process.exitCode = usage ? 2 : 1;
}
