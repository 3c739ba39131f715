export { checkModuleRoles, checkRoleName, defaultModuleRole, type ModuleRole } from './module-role.js';
export { ADMIN_URL_VARIABLE, moduleRolesFromEnv, type ModuleRolesPlan } from './module-roles-from-env.js';
export { provisionModuleRoles, type ProvisionedModuleRole, RoleProvisioningError } from './provision-module-roles.js';
export { scramSha256Verifier } from './scram-verifier.js';
