import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One sku of a reservation (table `reservation_line`, one row per order and sku). */
@Entity({ name: 'reservation_line' })
export class ReservationLineRecord {
  @PrimaryColumn({ name: 'order_id', type: 'varchar', length: 36 }) orderId!: string;
  @PrimaryColumn({ type: 'varchar', length: 40 }) sku!: string;
  @Column({ type: 'integer' }) quantity!: number;
}
