/** What a module declares about its data: its entities and its migrations, in order. */
export interface ModuleData {
  module: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entities: Array<new (...args: any[]) => unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  migrations: Array<new (...args: any[]) => unknown>;
}

/** Declares a module's data (exported by its core for the app and the migration command). */
export function defineModuleData(data: ModuleData): ModuleData {
  if (!/^[a-z][a-z0-9-]*$/.test(data.module)) throw new Error(`Module name "${data.module}" must be kebab-case`);
  return Object.freeze({ ...data, entities: [...data.entities], migrations: [...data.migrations] });
}
