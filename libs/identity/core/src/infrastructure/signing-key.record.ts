import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A token-signing secret the module generated for itself (table `signing_key`), used only when
 * `JWT_SECRET` is not set. Anyone who can read this table can forge tokens: protect the database
 * as you would the secret.
 */
@Entity({ name: 'signing_key' })
export class SigningKeyRecord {
  /** What the key is for (`jwt-hs256`): one row per purpose, so concurrent starts cannot make two. */
  @PrimaryColumn({ type: 'varchar', length: 40 }) id!: string;
  /** The secret's bytes, base64. */
  @Column({ type: 'varchar', length: 200 }) secret!: string;
  @Column({ name: 'created_at', type: 'varchar', length: 30 }) createdAt!: string;
}
