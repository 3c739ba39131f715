import 'reflect-metadata';
import { InventoryModule } from '@modules/inventory';
import { runService } from '@seam/runtime';

// The inventory module as its own service, where the topology (SEAM_TOPOLOGY) places it.
await runService({ name: 'inventory', module: InventoryModule });
