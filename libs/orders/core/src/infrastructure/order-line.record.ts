import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How a line of an order is stored (table `order_line`). Lines never change once priced; the
 * order's currency is on the order row, since all its lines share it.
 */
@Entity({ name: 'order_line' })
export class OrderLineRecord {
  @PrimaryColumn({ name: 'order_id', type: 'varchar', length: 36 }) orderId!: string;
  /** Position in the order, from 0. */
  @PrimaryColumn({ name: 'line_no', type: 'integer' }) lineNo!: number;
  @Column({ type: 'varchar', length: 40 }) sku!: string;
  @Column({ type: 'varchar', length: 120 }) name!: string;
  @Column({ type: 'integer' }) quantity!: number;
  /** Integer minor units, in the order's currency. */
  @Column({ name: 'unit_amount', type: 'bigint' }) unitAmount!: number | string;
}
