import { defineModuleData } from '@seam/persistence';
import { CreateUserAccount1795600000000 } from './infrastructure/migrations/1795600000000-create-user-account.js';
import { CreateSigningKey1795600000001 } from './infrastructure/migrations/1795600000001-create-signing-key.js';
import { CreateCustomerActivity1795600000002 } from './infrastructure/migrations/1795600000002-create-customer-activity.js';
import { IndexIdentityInbox1796600000000 } from './infrastructure/migrations/1796600000000-index-identity-inbox.js';
import { AsciiEmailDomains1797100000000 } from './infrastructure/migrations/1797100000000-ascii-email-domains.js';
import { AddTokenVersion1797200000000 } from './infrastructure/migrations/1797200000000-add-token-version.js';
import { SigningKeyRecord } from './infrastructure/signing-key.record.js';
import { UserRecord } from './infrastructure/user.record.js';

/** The identity's own data: its entities and its migrations, in order. */
export const identityData = defineModuleData({
  module: 'identity',
  entities: [UserRecord, SigningKeyRecord],
  migrations: [
    CreateUserAccount1795600000000,
    CreateSigningKey1795600000001,
    CreateCustomerActivity1795600000002,
    IndexIdentityInbox1796600000000,
    AsciiEmailDomains1797100000000,
    AddTokenVersion1797200000000,
  ],
});
