import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';

/**
 * Minor units are stored as `bigint`: the contract allows up to 10^10, past PostgreSQL's 32-bit
 * `integer`. The pg driver returns `bigint` as a string (it may exceed 2^53 in general); amounts
 * here stay far below 2^53, so a number is exact.
 */
export const MINOR_UNITS: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | number) => Number(value),
};

/** How a payment is stored (table `payment` of the payments module's own database). */
@Entity({ name: 'payment' })
@Index('payment_order_id', ['orderId'])
export class PaymentRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'order_id', type: 'varchar', length: 36 }) orderId!: string;
  /** Integer minor units: money is never a float. */
  @Column({ name: 'amount', type: 'bigint', transformer: MINOR_UNITS }) amount!: number;
  @Column({ name: 'currency', type: 'varchar', length: 3 }) currency!: string;
  @Column({ name: 'status', type: 'varchar', length: 10 }) status!: string;
  @Column({ name: 'reason', type: 'varchar', length: 40, nullable: true }) reason!: string | null;
  /** Only the last four digits: the full card number is never stored. */
  @Column({ name: 'card_last4', type: 'varchar', length: 4 }) cardLast4!: string;
  /** The provider's opaque token for the card (null for rows older than tokens): never the number. */
  @Column({ name: 'card_token', type: 'varchar', length: 100, nullable: true }) cardToken!: string | null;
  @Column({ name: 'authorization_id', type: 'varchar', length: 100, nullable: true }) authorizationId!: string | null;
  /**
   * The idempotency key of the capture or refund now at the provider, if any: one provider
   * operation per payment at a time, so that a capture and a refund sent together under two
   * keys cannot both reach the provider.
   */
  @Column({ name: 'pending_key', type: 'varchar', length: 100, nullable: true }) pendingKey!: string | null;
  /** ISO-8601 UTC strings: they sort as text and mean the same on SQLite and PostgreSQL. */
  @Column({ name: 'created_at', type: 'varchar', length: 30 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 30 }) updatedAt!: string;
}
