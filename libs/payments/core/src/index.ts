export { PaymentsModule, type PaymentProviderSource } from './payments.module.js';
export { paymentsData } from './payments.data.js';
export {
  DEFAULT_PAYMENTS_CONFIG,
  PAYMENTS_CONFIG,
  type PaymentsConfig,
  paymentsConfigFromEnv,
} from './payments.config.js';
export { type AuthorizationResult, PAYMENT_PROVIDER, type PaymentProvider } from './provider/payment-provider.js';
export {
  FAKE_CARDS,
  FakePaymentProvider,
  type FakePaymentProviderOptions,
  type LedgerEntry,
  type ProviderCall,
} from './provider/fake-payment-provider.js';
export type { Money } from './domain/payment.js';
