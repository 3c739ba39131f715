import { Inject, Injectable } from '@nestjs/common';
import { UnavailableError } from '@seam/transport';
import type { Money } from '../domain/payment.js';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments.config.js';
import { type AuthorizationResult, PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';

/**
 * The configured {@link PaymentProvider} with every call bounded by `providerTimeoutMs`: the
 * provider gets no way to hold a request (and its idempotency key) forever.
 */
@Injectable()
export class BoundedPaymentProvider implements PaymentProvider {
  constructor(
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {}

  authorize(cardNumber: string, amount: Money, idempotencyKey?: string): Promise<AuthorizationResult> {
    return withinTimeout(
      () => this.provider.authorize(cardNumber, amount, idempotencyKey),
      this.config.providerTimeoutMs,
      'authorize',
    );
  }

  capture(authorizationId: string, amount: Money, idempotencyKey?: string): Promise<void> {
    return withinTimeout(
      () => this.provider.capture(authorizationId, amount, idempotencyKey),
      this.config.providerTimeoutMs,
      'capture',
    );
  }

  refund(authorizationId: string, amount: Money, idempotencyKey?: string): Promise<void> {
    return withinTimeout(
      () => this.provider.refund(authorizationId, amount, idempotencyKey),
      this.config.providerTimeoutMs,
      'refund',
    );
  }
}

/**
 * The result of `call`, or `UnavailableError` once `timeoutMs` has passed without one. The call
 * itself cannot be cancelled: the provider may still act after the timeout, which is why a
 * retry must carry the same idempotency key.
 */
export async function withinTimeout<T>(call: () => Promise<T>, timeoutMs: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UnavailableError(`payment provider did not answer within ${timeoutMs} ms`, { operation, timeoutMs }),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([call(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
