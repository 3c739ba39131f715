export { IdentityModule } from './identity.module.js';
export { identityData } from './identity.data.js';
