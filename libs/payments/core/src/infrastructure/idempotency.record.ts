import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One idempotency key and what it was used for (table `idempotency_key`). The primary key is the
 * claim: of two requests inserting the same key, the database lets exactly one win.
 */
@Entity({ name: 'idempotency_key' })
export class IdempotencyRecord {
  /** The caller's idempotency key. */
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 100 }) key!: string;
  /** `authorize`, `capture` or `refund`. */
  @Column({ name: 'operation', type: 'varchar', length: 10 }) operation!: string;
  /** sha256 (hex) of the canonical request: a second use must match it. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 }) requestHash!: string;
  /**
   * `<key id>:<HMAC-SHA-256>` of the card number (authorize only; null for capture, refund and
   * keys claimed before it was kept). Never the number, nor an unkeyed hash of it.
   */
  @Column({ name: 'card_fingerprint', type: 'varchar', length: 80, nullable: true }) cardFingerprint!: string | null;
  /** `in_progress` from the claim until the answer is stored, then `completed`. */
  @Column({ name: 'state', type: 'varchar', length: 12 }) state!: string;
  /**
   * A random id of this claim (null for claims older than it): a claimant releases or answers
   * only the claim it made, never one that took its key over after it was thought dead.
   */
  @Column({ name: 'claim_token', type: 'varchar', length: 36, nullable: true }) claimToken!: string | null;
  /** The payment the key created (authorize) or acted on (capture, refund). */
  @Column({ name: 'payment_id', type: 'varchar', length: 36 }) paymentId!: string;
  /** The answer as JSON, once completed: replayed as is to the same request. */
  @Column({ name: 'response', type: 'text', nullable: true }) response!: string | null;
  @Column({ name: 'created_at', type: 'varchar', length: 30 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 30 }) updatedAt!: string;
}
