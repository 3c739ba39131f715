import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CatalogContract } from '@contracts/catalog';
import { IdentityContract, type UserView } from '@contracts/identity';
import { InventoryContract } from '@contracts/inventory';
import {
  CallContext,
  ConflictError,
  type RequestEntry,
  runInCallScope,
  SeamClient,
  UnauthorizedError,
} from '@seam/transport';
import { DEMO_CATALOG } from './demo-catalog.js';
import type { SeedOptions } from './seed-options.js';
import { SeedRetries } from './seed-retries.js';

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
 * created by this process, so a restart never resets what was sold.
 *
 * Each step is tried once as the app starts, and the start waits for it. A step that failed on a
 * neighbour (not up yet, or too slow: a split topology whose services start after the edge) is
 * tried again in the background until it succeeds, with a warning per failed try (see
 * {@link SeedRetries}); any other failure is logged and left. Either way the app starts. Shutdown
 * stops the tries.
 */
@Injectable()
export class DemoSeed implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Seed');
  // Each try is a call flow of its own, with the whole budget; its lines, the warning included, name its trace.
  private readonly retries = new SeedRetries(this.logger, (work) =>
    runInCallScope(CallContext.root({ caller: SEED_CALLER, budgetMs: SEED_BUDGET_MS }), work),
  );
  private warnedDefaultPassword = false;
  /** Products this process created whose stock is not set yet (inventory failed after catalog): set on the next try. */
  private readonly unstocked = new Set<string>();
  private created = 0;

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
    // The two touch different modules.
    await Promise.all([
      this.retries.run('the demo catalog', () => this.seedCatalog()),
      this.retries.run('the admin account', () => this.seedAdmin()),
    ]);
  }

  /** Stops trying before the transports close, so that no seed call is made on a closing app. */
  onModuleDestroy(): void {
    this.retries.stop();
  }

  /** A call to a neighbour, unless the app is shutting down. */
  private send<Req, Res>(entry: RequestEntry<Req, Res>, request: Req): Promise<Res> {
    this.retries.checkRunning();
    return this.seam.send(entry, request, SEED_CALL);
  }

  private async seedCatalog(): Promise<void> {
    for (const { product, stock } of DEMO_CATALOG) {
      if (!this.unstocked.has(product.sku)) {
        if (!(await unlessConflict(this.send(CatalogContract.createProduct, product)))) continue;
        this.unstocked.add(product.sku);
        this.created += 1;
      }
      await this.send(InventoryContract.setStock, { sku: product.sku, available: stock });
      this.unstocked.delete(product.sku);
    }
    this.logger.log(
      `Demo catalog: ${this.created} products created and stocked, ${DEMO_CATALOG.length - this.created} already there`,
    );
  }

  private async seedAdmin(): Promise<void> {
    const { adminEmail: email, adminPassword: password } = this.options;
    if (this.options.defaultPassword && !this.warnedDefaultPassword) {
      this.warnedDefaultPassword = true;
      this.logger.warn(
        `The admin account ${email} uses the default password: set SEAM_ADMIN_PASSWORD anywhere but on your own machine`,
      );
    }
    let user: UserView | undefined = await unlessConflict(
      this.send(IdentityContract.registerUser, { email, password, name: 'Administrator' }),
    );
    if (!user) {
      // It exists: still make it an admin, in case an earlier start stopped between the two steps.
      const session = await this.send(IdentityContract.logIn, { email, password }).catch((error: unknown) => {
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
    await this.send(IdentityContract.grantRoles, { userId: user.id, roles: ['customer', 'admin'] });
    this.logger.log(`Admin account: ${email}, created`);
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
