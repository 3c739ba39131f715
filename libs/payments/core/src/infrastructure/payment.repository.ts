import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Payment, PaymentStatus } from '../domain/payment.js';
import { PaymentRecord } from './payment.record.js';

/** The payments, read from the module's own database (writes go with their key: see IdempotencyRepository). */
@Injectable()
export class PaymentRepository {
  constructor(@InjectDataSource('payments') private readonly dataSource: DataSource) {}

  /** The payment with this id, if there is one. */
  async findById(id: string): Promise<Payment | undefined> {
    const record = await this.dataSource.getRepository(PaymentRecord).findOneBy({ id });
    return record ? toPayment(record) : undefined;
  }

  /** The payments of an order, oldest first. */
  async findByOrder(orderId: string): Promise<Payment[]> {
    const records = await this.dataSource
      .getRepository(PaymentRecord)
      .find({ where: { orderId }, order: { createdAt: 'ASC' } });
    return records.map(toPayment);
  }
}

/** The domain payment of a stored row. */
export function toPayment(record: PaymentRecord): Payment {
  return {
    id: record.id,
    orderId: record.orderId,
    amount: { amount: record.amount, currency: record.currency },
    status: record.status as PaymentStatus,
    ...(record.reason === null ? {} : { reason: record.reason }),
    cardLast4: record.cardLast4,
    ...(record.cardToken === null ? {} : { cardToken: record.cardToken }),
    ...(record.authorizationId === null ? {} : { authorizationId: record.authorizationId }),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The row of a new payment (no operation pending). */
export function toPaymentRecord(payment: Payment): PaymentRecord {
  return Object.assign(new PaymentRecord(), {
    id: payment.id,
    orderId: payment.orderId,
    amount: payment.amount.amount,
    currency: payment.amount.currency,
    status: payment.status,
    reason: payment.reason ?? null,
    cardLast4: payment.cardLast4,
    cardToken: payment.cardToken ?? null,
    authorizationId: payment.authorizationId ?? null,
    pendingKey: null,
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
  });
}
