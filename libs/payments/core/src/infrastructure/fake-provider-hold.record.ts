import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MINOR_UNITS } from './payment.record.js';

/** Where a hold of the fake provider stands: charged, given back, or released without a charge. */
export type FakeHoldState = 'held' | 'captured' | 'refunded' | 'voided';

/**
 * A hold of the fake payment provider (table `fake_provider_hold`). It stands for the state of an
 * outside system, not of Seam: it lives in the payments module's database only so that every
 * replica of the module talks to the same fake, as they would to one real provider.
 */
@Entity({ name: 'fake_provider_hold' })
export class FakeProviderHoldRecord {
  @PrimaryColumn({ name: 'authorization_id', type: 'varchar', length: 100 }) authorizationId!: string;
  @Column({ name: 'amount', type: 'bigint', transformer: MINOR_UNITS }) amount!: number;
  @Column({ name: 'currency', type: 'varchar', length: 3 }) currency!: string;
  @Column({ name: 'card_last4', type: 'varchar', length: 4 }) cardLast4!: string;
  @Column({ name: 'state', type: 'varchar', length: 10 }) state!: FakeHoldState;
}
