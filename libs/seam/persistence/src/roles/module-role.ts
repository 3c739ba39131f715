import { DatabaseConfigError } from '../database-config.error.js';
import { schemaOf } from '../database-config.js';

/** One module's own PostgreSQL role: it logs in with `password`, and owns the module's schema. */
export interface ModuleRole {
  /** The module (kebab-case); its schema is {@link schemaOf}(module). */
  readonly module: string;
  /** The role's name: lower-case letters, digits and `_`, at most 63, not `pg_…` (see {@link checkRoleName}). */
  readonly role: string;
  /** Printable ASCII, 16 to 1024 characters; only its SCRAM-SHA-256 verifier is ever sent to the server. */
  readonly password: string;
}

/** The role name a module's own role has by convention: `seam_payments`, `seam_order_history`. */
export function defaultModuleRole(module: string): string {
  return `seam_${schemaOf(module)}`;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const MODULE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
/** Names PostgreSQL reserves, or that name a well-known administrative role. */
const RESERVED_ROLES = new Set([
  'public',
  'none',
  'all',
  'user',
  'current_user',
  'current_role',
  'session_user',
  'postgres',
]);
const PASSWORD = /^[\x20-\x7e]{16,1024}$/;

/**
 * Refuses a role name unless it is plain: `^[a-z_][a-z0-9_]{0,62}$`, not `pg_…` (PostgreSQL's own),
 * not reserved, and not `adminRole` (the role provisioning runs as). Checked before any SQL, so
 * a hostile name never reaches the server even quoted.
 *
 * @throws DatabaseConfigError naming `setting`; the value is quoted only when it is printable and short.
 */
export function checkRoleName(role: string, setting: string, adminRole?: string): void {
  if (!ROLE_NAME.test(role))
    throw new DatabaseConfigError(
      `${setting}: role name ${shown(role)} is refused: use lower-case letters, digits and _ (at most 63, not starting with a digit)`,
      setting,
    );
  if (role.startsWith('pg_') || RESERVED_ROLES.has(role))
    throw new DatabaseConfigError(`${setting}: role name ${role} is reserved`, setting);
  if (adminRole !== undefined && role === adminRole)
    throw new DatabaseConfigError(
      `${setting}: role ${role} is the administrator's own role; a module needs a role of its own`,
      setting,
    );
}

/**
 * Checks a set of module roles before provisioning touches the server: each module name is
 * kebab-case, each role name plain (see {@link checkRoleName}) and used by one module only, each
 * password printable ASCII of 16 to 1024 characters (so that client and server derive the same
 * SCRAM key from it).
 *
 * @throws DatabaseConfigError naming the module's setting, never a password.
 */
export function checkModuleRoles(roles: readonly ModuleRole[], adminRole?: string): void {
  if (roles.length === 0) throw new DatabaseConfigError('no module roles to provision');
  const owners = new Map<string, string>();
  const schemas = new Map<string, string>();
  for (const { module, role, password } of roles) {
    if (typeof module !== 'string' || !MODULE_NAME.test(module))
      throw new DatabaseConfigError(`module name ${shown(String(module))} is refused: it must be kebab-case`);
    const setting = `role of module ${module}`;
    checkRoleName(String(role), setting, adminRole);
    if (typeof password !== 'string' || !PASSWORD.test(password))
      throw new DatabaseConfigError(
        `${setting}: the password must be 16 to 1024 printable ASCII characters (e.g. openssl rand -base64 32)`,
        setting,
      );
    const owner = owners.get(role);
    if (owner !== undefined)
      throw new DatabaseConfigError(`modules ${owner} and ${module} are both given role ${role}; each needs its own`);
    owners.set(role, module);
    const sameSchema = schemas.get(schemaOf(module));
    if (sameSchema !== undefined)
      throw new DatabaseConfigError(`modules ${sameSchema} and ${module} would share schema ${schemaOf(module)}`);
    schemas.set(schemaOf(module), module);
  }
}

/** A value fit to quote in a message: short and printable, else only its length. */
function shown(value: string): string {
  return /^[\x21-\x7e]{1,80}$/.test(value) ? JSON.stringify(value) : `(${value.length} characters)`;
}
