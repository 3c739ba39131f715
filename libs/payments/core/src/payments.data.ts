import { defineModuleData } from '@seam/persistence';
import { IdempotencyRecord } from './infrastructure/idempotency.record.js';
import { CreatePayments1764100000000 } from './infrastructure/migrations/1764100000000-create-payments.js';
import { PaymentRecord } from './infrastructure/payment.record.js';

/** The payments module's own data: its entities and its migrations, in order. */
export const paymentsData = defineModuleData({
  module: 'payments',
  entities: [PaymentRecord, IdempotencyRecord],
  migrations: [CreatePayments1764100000000],
});
