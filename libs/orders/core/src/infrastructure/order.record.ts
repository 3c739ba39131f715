import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * How an order is stored (table `orders` of the orders module's own database; `order` is an SQL
 * keyword). Besides its status, the row keeps each saga step's outcome (stock, payment,
 * compensation) so that it alone says what was done and what is left to undo.
 */
@Entity({ name: 'orders' })
@Unique('orders_order_id', ['orderId'])
@Index('orders_customer_key', ['customerId', 'idempotencyKey'], { unique: true })
export class OrderRecord {
  /** Insertion order: "newest first" is exact even for orders placed in the same millisecond. */
  @PrimaryGeneratedColumn('increment', { name: 'seq' }) seq?: number;
  @Column({ name: 'order_id', type: 'varchar', length: 36 }) orderId!: string;
  @Column({ name: 'customer_id', type: 'varchar', length: 36 }) customerId!: string;
  @Column({ name: 'idempotency_key', type: 'varchar', length: 100, nullable: true }) idempotencyKey!: string | null;
  /** SHA-256 (hex) of the request that used `idempotency_key` first; null without a key, or stored before it was kept. */
  @Column({ name: 'request_fingerprint', type: 'varchar', length: 64, nullable: true })
  requestFingerprint!: string | null;
  @Column({ type: 'varchar', length: 10 }) status!: string;
  /** Integer minor units; bigint because 20 lines × 100 units can exceed 32 bits. */
  @Column({ name: 'total_amount', type: 'bigint' }) totalAmount!: number | string;
  @Column({ type: 'varchar', length: 3 }) currency!: string;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ name: 'stock_status', type: 'varchar', length: 10, nullable: true }) stockStatus!: string | null;
  @Column({ name: 'payment_id', type: 'varchar', length: 36, nullable: true }) paymentId!: string | null;
  @Column({ name: 'payment_status', type: 'varchar', length: 10, nullable: true }) paymentStatus!: string | null;
  @Column({ name: 'compensation_pending', type: 'boolean' }) compensationPending!: boolean;
  /** ISO-8601 UTC strings: they sort as text and mean the same on SQLite and PostgreSQL. */
  @Column({ name: 'created_at', type: 'varchar', length: 30 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 30 }) updatedAt!: string;
}
