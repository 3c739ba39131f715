import { type DynamicModule, type FactoryProvider, Module, type Type } from '@nestjs/common';
import { PaymentsContract } from '@contracts/payments';
import { SeamMessagingModule } from '@seam/messaging';
import { dataSourceToken, SeamPersistenceModule } from '@seam/persistence';
import { SeamTransportModule } from '@seam/transport';
import type { DataSource } from 'typeorm';
import { AuthorizePaymentController } from './authorize-payment/authorize-payment.controller.js';
import { CardFingerprints } from './domain/card-fingerprint.js';
import { CapturePaymentController } from './capture-payment/capture-payment.controller.js';
import { FindOrderPaymentsController } from './find-order-payments/find-order-payments.controller.js';
import { GetPaymentController } from './get-payment/get-payment.controller.js';
import { IdempotencyRetention } from './infrastructure/idempotency-pruning.js';
import { IdempotencyRepository } from './infrastructure/idempotency.repository.js';
import { PaymentRepository } from './infrastructure/payment.repository.js';
import { PaymentCommandHandler } from './payment-command.handler.js';
import { PAYMENTS_CONFIG, type PaymentsConfig, paymentsConfigFromEnv } from './payments.config.js';
import { paymentsData } from './payments.data.js';
import { BoundedPaymentProvider } from './provider/bounded-payment-provider.js';
import { FakePaymentProvider } from './provider/fake-payment-provider.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './provider/payment-provider.js';
import { RefundPaymentController } from './refund-payment/refund-payment.controller.js';

/** How to build the payment provider: an instance, a class, or a factory with its dependencies. */
export type PaymentProviderSource =
  | { useValue: PaymentProvider }
  | { useClass: Type<PaymentProvider> }
  | Pick<FactoryProvider<PaymentProvider | Promise<PaymentProvider>>, 'useFactory' | 'inject'>;

/** The fake, on the module's own database: every replica of the module shares its holds. */
const defaultProvider: FactoryProvider<PaymentProvider> = {
  provide: PAYMENT_PROVIDER,
  useFactory: (config: PaymentsConfig, dataSource: DataSource) =>
    new FakePaymentProvider(dataSource, { slowMs: config.slowMs }),
  inject: [PAYMENTS_CONFIG, dataSourceToken(paymentsData.module)],
};

/**
 * The card fingerprint key of the configuration, or one for this process only (development: in
 * production `paymentsConfigFromEnv` refuses to start without a key).
 */
const cardFingerprints: FactoryProvider<CardFingerprints> = {
  provide: CardFingerprints,
  useFactory: (config: PaymentsConfig) =>
    config.cardFingerprintKey ? new CardFingerprints(config.cardFingerprintKey) : CardFingerprints.ephemeral(),
  inject: [PAYMENTS_CONFIG],
};

/**
 * The payments module: card payments through an outside provider, idempotent by key, in its own
 * database, behind `PaymentsContract`. The provider is the {@link FakePaymentProvider}, keeping its
 * holds in that database so that every replica of the module shares them, unless an app chooses
 * another with {@link PaymentsModule.withProvider}.
 */
@Module({
  imports: [
    SeamPersistenceModule.forModule(paymentsData),
    SeamTransportModule.forModule('payments'),
    SeamMessagingModule.forModule(PaymentsContract),
  ],
  controllers: [
    AuthorizePaymentController,
    CapturePaymentController,
    RefundPaymentController,
    GetPaymentController,
    FindOrderPaymentsController,
  ],
  providers: [
    { provide: PAYMENTS_CONFIG, useFactory: () => paymentsConfigFromEnv() },
    defaultProvider,
    cardFingerprints,
    BoundedPaymentProvider,
    PaymentRepository,
    IdempotencyRepository,
    IdempotencyRetention,
    PaymentCommandHandler,
  ],
})
export class PaymentsModule {
  /** The module with another payment provider (a real one's adapter, or a configured fake). */
  static withProvider(source: PaymentProviderSource): DynamicModule {
    // Providers of the dynamic part come after the decorator's: the same token here replaces the default.
    return { module: PaymentsModule, providers: [{ provide: PAYMENT_PROVIDER, ...source }] };
  }
}
