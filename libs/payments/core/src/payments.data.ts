import { defineModuleData } from '@seam/persistence';
import { FakeProviderHoldRecord } from './infrastructure/fake-provider-hold.record.js';
import { FakeProviderLedgerRecord } from './infrastructure/fake-provider-ledger.record.js';
import { IdempotencyRecord } from './infrastructure/idempotency.record.js';
import { CreatePayments1764100000000 } from './infrastructure/migrations/1764100000000-create-payments.js';
import { CreateFakeProvider1764800000000 } from './infrastructure/migrations/1764800000000-create-fake-provider.js';
import { CreatePaymentsMessaging1764800000001 } from './infrastructure/migrations/1764800000001-create-payments-messaging.js';
import { StoreCardToken1764900000000 } from './infrastructure/migrations/1764900000000-store-card-token.js';
import { IndexPaymentsInbox1796600000000 } from './infrastructure/migrations/1796600000000-index-payments-inbox.js';
import { FencePaymentRetries1797000000000 } from './infrastructure/migrations/1797000000000-fence-payment-retries.js';
import { IndexIdempotencyKeyAge1797200000000 } from './infrastructure/migrations/1797200000000-index-idempotency-key-age.js';
import { PaymentRecord } from './infrastructure/payment.record.js';

/** The payments module's own data: its entities and its migrations, in order. */
export const paymentsData = defineModuleData({
  module: 'payments',
  entities: [PaymentRecord, IdempotencyRecord, FakeProviderHoldRecord, FakeProviderLedgerRecord],
  migrations: [
    CreatePayments1764100000000,
    CreateFakeProvider1764800000000,
    CreatePaymentsMessaging1764800000001,
    StoreCardToken1764900000000,
    IndexPaymentsInbox1796600000000,
    FencePaymentRetries1797000000000,
    IndexIdempotencyKeyAge1797200000000,
  ],
});
