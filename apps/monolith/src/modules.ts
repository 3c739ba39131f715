import type { Type } from '@nestjs/common';
import { CatalogModule, catalogData } from '@modules/catalog';
import { IdentityModule, identityData } from '@modules/identity';
import { InventoryModule, inventoryData } from '@modules/inventory';
import { OrdersModule, ordersData } from '@modules/orders';
import { PaymentsModule, paymentsData } from '@modules/payments';
// seam:module-imports — `npm run add:module -- <name>` adds each new module's import above this line.
import type { ModuleData } from '@seam/persistence';

/** A module of the reference application that runs in this binary. */
export interface LocalModule {
  /** Its name: the module of its contract, the name of its DataSource, its PostgreSQL schema. */
  readonly name: string;
  /** Its Nest module (which opens its own DataSource and registers its handlers). */
  readonly module: Type<unknown>;
  /** Its entities and migrations, for the migration command. */
  readonly data: ModuleData;
}

const local = (module: Type<unknown>, data: ModuleData): LocalModule =>
  Object.freeze({ name: data.module, module, data });

/**
 * Every module this binary hosts, in the order they start. The one list the app module, the
 * health check, the start-up summary and the migration command read: a module added here is
 * wired, migrated, health-checked and reported everywhere at once.
 */
export const LOCAL_MODULES: readonly LocalModule[] = Object.freeze([
  local(IdentityModule, identityData),
  local(CatalogModule, catalogData),
  local(InventoryModule, inventoryData),
  local(PaymentsModule, paymentsData),
  local(OrdersModule, ordersData),
  // seam:local-modules — `npm run add:module -- <name>` adds each new module above this line (it starts last).
]);
