import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CatalogContract } from '@contracts/catalog';
import { IdentityContract, type UserView } from '@contracts/identity';
import { InventoryContract } from '@contracts/inventory';
import { CallContext, ConflictError, runInCallScope, SeamClient, UnauthorizedError } from '@seam/transport';
import { DEMO_CATALOG } from './demo-catalog.js';
import type { SeedOptions } from './seed-options.js';

/** Injection token of the {@link SeedOptions}. */
export const SEED_OPTIONS = Symbol.for('monolith.seed-options');

/** The module name seeding calls contracts as. */
export const SEED_CALLER = 'seed';

const SEED_BUDGET_MS = 60_000;

/**
 * Each seed call may take the seed's whole budget, not the 5 s default of a request's calls: at the
 * production cost a password hash takes ~0.4 s on an idle 2-core machine, and several seconds on a
 * busy one while the identity module's own dummy hash runs beside it.
 */
const SEED_CALL = { timeoutMs: SEED_BUDGET_MS };

/**
 * Seeds a fresh installation when the app starts, through the modules' contracts like any other
 * caller: the demo catalog with its stock, and an admin account. Idempotent: a product or account
 * that exists (`ConflictError`) is left as it is — in particular stock is set only for a product
 * created just now, so a restart never resets what was sold. A failed step is logged and the app
 * still starts.
 */
@Injectable()
export class DemoSeed implements OnApplicationBootstrap {
  private readonly logger = new Logger('Seed');

  constructor(
    private readonly seam: SeamClient,
    @Inject(SEED_OPTIONS) private readonly options: SeedOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.enabled) {
      this.logger.log('Seeding is off (SEED_DEMO_DATA=false)');
      return;
    }
    // Side by side: the admin's password hash runs on libuv's thread pool while the catalog is
    // written on the main thread, so a start waits for the longer step, not both (bench:startup).
    // The two touch different modules and each step logs and swallows its own failure.
    await runInCallScope(CallContext.root({ caller: SEED_CALLER, budgetMs: SEED_BUDGET_MS }), () =>
      Promise.all([
        this.step('the demo catalog', () => this.seedCatalog()),
        this.step('the admin account', () => this.seedAdmin()),
      ]),
    );
  }

  private async seedCatalog(): Promise<void> {
    let created = 0;
    for (const { product, stock } of DEMO_CATALOG) {
      if (!(await unlessConflict(this.seam.send(CatalogContract.createProduct, product, SEED_CALL)))) continue;
      await this.seam.send(InventoryContract.setStock, { sku: product.sku, available: stock }, SEED_CALL);
      created += 1;
    }
    this.logger.log(
      `Demo catalog: ${created} products created and stocked, ${DEMO_CATALOG.length - created} already there`,
    );
  }

  private async seedAdmin(): Promise<void> {
    const { adminEmail: email, adminPassword: password } = this.options;
    if (this.options.defaultPassword) {
      this.logger.warn(
        `The admin account ${email} uses the default password: set SEAM_ADMIN_PASSWORD anywhere but on your own machine`,
      );
    }
    let user: UserView | undefined = await unlessConflict(
      this.seam.send(IdentityContract.registerUser, { email, password, name: 'Administrator' }, SEED_CALL),
    );
    if (!user) {
      // It exists: still make it an admin, in case an earlier start stopped between the two steps.
      const session = await this.seam
        .send(IdentityContract.logIn, { email, password }, SEED_CALL)
        .catch((error: unknown) => {
          if (error instanceof UnauthorizedError) return undefined;
          throw error;
        });
      if (!session) {
        this.logger.warn(`The admin account ${email} exists with another password; left as it is`);
        return;
      }
      user = session.user;
    }
    if (user.roles.includes('admin')) {
      this.logger.log(`Admin account: ${email}, already there`);
      return;
    }
    await this.seam.send(IdentityContract.grantRoles, { userId: user.id, roles: ['customer', 'admin'] }, SEED_CALL);
    this.logger.log(`Admin account: ${email}, created`);
  }

  private async step(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error(
        `Could not seed ${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
    }
  }
}

/** The result of a create call, or `undefined` when the thing already exists. */
async function unlessConflict<T>(created: Promise<T>): Promise<T | undefined> {
  try {
    return await created;
  } catch (error) {
    if (error instanceof ConflictError) return undefined;
    throw error;
  }
}
