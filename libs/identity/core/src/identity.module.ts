import { Module } from '@nestjs/common';
import { IdentityContract } from '@contracts/identity';
import { SeamMessagingModule } from '@seam/messaging';
import { SeamPersistenceModule } from '@seam/persistence';
import { SeamTransportModule } from '@seam/transport';
import { ChangePasswordController } from './change-password/change-password.controller.js';
import { GetCustomerActivityController } from './get-customer-activity/get-customer-activity.controller.js';
import { GetUserController } from './get-user/get-user.controller.js';
import { GrantRolesController } from './grant-roles/grant-roles.controller.js';
import { IDENTITY_CONFIG, identityConfigFromEnv } from './identity.config.js';
import { identityData } from './identity.data.js';
import { accessTokensProvider } from './infrastructure/access-tokens.provider.js';
import { PasswordHasher, SCRYPT_COST, scryptCostFor } from './infrastructure/password-hasher.js';
import { SigningKeyRepository } from './infrastructure/signing-key.repository.js';
import { UserRepository } from './infrastructure/user.repository.js';
import { LogInController } from './log-in/log-in.controller.js';
import { CustomerActivityRepository } from './order-activity/customer-activity.repository.js';
import { OrderActivitySubscriber } from './order-activity/order-activity.subscriber.js';
import { RegisterUserController } from './register-user/register-user.controller.js';
import { SignOutController } from './sign-out/sign-out.controller.js';
import { VerifyTokenController } from './verify-token/verify-token.controller.js';

/**
 * The identity module: accounts, password hashes and access tokens, in its own database, behind
 * `IdentityContract`; it also keeps customers' order activity from the orders module's events.
 * Configured by `JWT_SECRET` (or `JWT_SECRET_FILE`), `JWT_PREVIOUS_SECRET`, `JWT_TTL_SECONDS` and
 * `NODE_ENV` (production: a secret is required, passwords get OWASP's scrypt cost); refuses to
 * start when they cannot work.
 */
@Module({
  imports: [
    SeamPersistenceModule.forModule(identityData),
    SeamTransportModule.forModule('identity'),
    SeamMessagingModule.forModule(IdentityContract),
  ],
  controllers: [
    RegisterUserController,
    LogInController,
    VerifyTokenController,
    SignOutController,
    ChangePasswordController,
    GetUserController,
    GrantRolesController,
    GetCustomerActivityController,
    OrderActivitySubscriber,
  ],
  providers: [
    { provide: IDENTITY_CONFIG, useFactory: () => identityConfigFromEnv() },
    {
      provide: SCRYPT_COST,
      inject: [IDENTITY_CONFIG],
      useFactory: scryptCostFor,
    },
    PasswordHasher,
    UserRepository,
    SigningKeyRepository,
    accessTokensProvider,
    CustomerActivityRepository,
  ],
})
export class IdentityModule {}
