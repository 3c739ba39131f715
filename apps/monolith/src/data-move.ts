import 'reflect-metadata';
import {
  databaseConfigFromEnv,
  dataLocationFromConfig,
  DataMoveError,
  formatDataMoveReport,
  moveModuleData,
  parseDataLocation,
} from '@seam/persistence';
import { DATA_MOVE_USAGE, parseDataMoveArgs } from './data-move/data-move.args.js';
import { LOCAL_MODULES } from './modules.js';

/**
 * `npm run data:move -- <module> --to <target> [--from <source>] [--force]`: copies one module's
 * data to another database (its SQLite file or PostgreSQL schema) and verifies it, so that an
 * extracted module takes its data along. Exit 0 when moved and verified, 2 on a usage error, 1 on
 * any other failure or refusal; errors are one line on stderr, without passwords.
 */
async function dataMove(argv: readonly string[]): Promise<void> {
  const args = parseDataMoveArgs(
    argv,
    LOCAL_MODULES.map(({ name }) => name),
  );
  if (args.help) {
    console.log(DATA_MOVE_USAGE);
    return;
  }
  const { data } = LOCAL_MODULES.find(({ name }) => name === args.module)!;
  const from =
    args.from === undefined
      ? dataLocationFromConfig(environmentDatabase(), data.module)
      : parseDataLocation(args.from, data.module, '--from');
  const to = parseDataLocation(args.to, data.module, '--to');
  const report = await moveModuleData({ data, from, to, force: args.force });
  for (const line of formatDataMoveReport(report)) console.log(line);
}

/**
 * The monolith's own database (the module's own `DATABASE_URL_<MODULE>` role first); a bad URL is a
 * usage error like a bad `--from`.
 */
function environmentDatabase() {
  try {
    return databaseConfigFromEnv();
  } catch (error) {
    throw new DataMoveError('usage', (error as Error).message);
  }
}

try {
  await dataMove(process.argv.slice(2));
} catch (error) {
  const usage = error instanceof DataMoveError && error.kind === 'usage';
  const message = error instanceof Error ? error.message : String(error);
  console.error(`data:move: ${message}${usage ? ' (--help for usage)' : ''}`);
  process.exitCode = usage ? 2 : 1;
}
