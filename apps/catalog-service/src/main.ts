import 'reflect-metadata';
import { CatalogModule } from '@modules/catalog';
import { runService } from '@seam/runtime';

// The catalog module as its own service, where the topology (SEAM_TOPOLOGY) places it.
await runService({ name: 'catalog', module: CatalogModule });
