import { DatabaseConfigError } from '../database-config.error.js';
import { moduleUrlVariable } from '../database-config.js';
import { checkModuleRoles, type ModuleRole } from './module-role.js';

/** The variable holding the administrator's URL, used only to provision the module roles. */
export const ADMIN_URL_VARIABLE = 'DATABASE_ADMIN_URL';

/** What provisioning needs: the administrator's connection and each module's role. */
export interface ModuleRolesPlan {
  readonly adminUrl: string;
  readonly roles: readonly ModuleRole[];
}

/**
 * Reads a provisioning plan from the environment: `DATABASE_ADMIN_URL`, and for each of `modules`
 * its `DATABASE_URL_<MODULE>`, whose user and password become the module's role and password — the
 * URL the module then connects with is the one source of both. Every module URL must point at
 * the admin URL's server and database. Pure; checks everything {@link checkModuleRoles} does.
 *
 * @returns undefined when `DATABASE_ADMIN_URL` is unset or empty (nothing to provision).
 * @throws DatabaseConfigError naming the variable at fault (never a value): a missing module URL,
 *   one without user or password, another server or database, a refused role name or password.
 */
export function moduleRolesFromEnv(env: NodeJS.ProcessEnv, modules: readonly string[]): ModuleRolesPlan | undefined {
  const adminText = env[ADMIN_URL_VARIABLE]?.trim();
  if (!adminText) return undefined;
  const admin = parse(adminText, ADMIN_URL_VARIABLE);
  const missing = modules.map(moduleUrlVariable).filter((variable) => !env[variable]?.trim());
  if (missing.length > 0)
    throw new DatabaseConfigError(
      `${ADMIN_URL_VARIABLE} is set, so every module needs its own URL: set ${missing.join(', ')}`,
      missing[0],
    );
  const roles = modules.map((module): ModuleRole => {
    const variable = moduleUrlVariable(module);
    const url = parse(env[variable]!.trim(), variable);
    if (!url.username || !url.password)
      throw new DatabaseConfigError(
        `${variable} must name the module's role and its password: postgres://role:password@host:5432/database`,
        variable,
      );
    if (address(url) !== address(admin))
      throw new DatabaseConfigError(
        `${variable} points at another server or database than ${ADMIN_URL_VARIABLE}; provision each database with its own run`,
        variable,
      );
    return { module, role: decode(url.username, variable), password: decode(url.password, variable) };
  });
  checkModuleRoles(roles, admin.username ? decode(admin.username, ADMIN_URL_VARIABLE) : undefined);
  return { adminUrl: adminText, roles };
}

function parse(text: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DatabaseConfigError(
      `${variable} is not a URL (expected postgres://user:password@host:5432/database)`,
      variable,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new DatabaseConfigError(`${variable} must be a postgres:// URL, got ${url.protocol}//…`, variable);
  if (!url.hostname || url.pathname.length <= 1)
    throw new DatabaseConfigError(`${variable} must name a host and a database`, variable);
  return url;
}

function address(url: URL): string {
  return `${url.hostname.toLowerCase()}:${url.port || '5432'}/${url.pathname.slice(1)}`;
}

function decode(text: string, variable: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new DatabaseConfigError(`${variable} holds a malformed %-escape in its user or password`, variable);
  }
}
