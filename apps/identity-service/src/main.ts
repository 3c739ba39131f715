import 'reflect-metadata';
import { IdentityModule } from '@modules/identity';
import { runService } from '@seam/runtime';

// The identity module as its own service, where the topology (SEAM_TOPOLOGY) places it.
await runService({ name: 'identity', module: IdentityModule });
