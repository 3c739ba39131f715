import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { MINOR_UNITS } from './payment.record.js';

/** One effect of the fake payment provider on money (table `fake_provider_ledger`), in the order it happened. */
@Entity({ name: 'fake_provider_ledger' })
@Index('fake_provider_ledger_idempotency_key', ['idempotencyKey'], { unique: true })
export class FakeProviderLedgerRecord {
  @PrimaryGeneratedColumn('increment', { name: 'seq' }) seq?: number;
  /** `authorization`, `capture`, `refund` or `void`. */
  @Column({ name: 'type', type: 'varchar', length: 13 }) type!: string;
  @Column({ name: 'authorization_id', type: 'varchar', length: 100 }) authorizationId!: string;
  @Column({ name: 'amount', type: 'bigint', transformer: MINOR_UNITS }) amount!: number;
  @Column({ name: 'currency', type: 'varchar', length: 3 }) currency!: string;
  @Column({ name: 'card_last4', type: 'varchar', length: 4 }) cardLast4!: string;
  /**
   * The idempotency key the call came with (null without one): a repeat of the key is answered
   * from this entry, as a success, and moves nothing (an authorization's, within a day).
   */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 100, nullable: true }) idempotencyKey!: string | null;
}
