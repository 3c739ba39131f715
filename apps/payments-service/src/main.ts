import 'reflect-metadata';
import { PaymentsModule } from '@modules/payments';
import { runService } from '@seam/runtime';

// The payments module as its own service, where the topology (SEAM_TOPOLOGY) places it.
await runService({ name: 'payments', module: PaymentsModule });
