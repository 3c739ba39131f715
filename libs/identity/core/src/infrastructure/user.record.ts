import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How a user is stored (table `user_account` of the identity's own database; not `user`, a
 * reserved word in PostgreSQL that every hand-written query would have to quote).
 */
@Entity({ name: 'user_account' })
export class UserRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  /** Normalised; a unique index makes it the account's key. */
  @Column({ type: 'varchar', length: 200 }) email!: string;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  /** Comma-separated, canonical order (`customer,admin`): roles are identifiers without commas. */
  @Column({ type: 'varchar', length: 100 }) roles!: string;
  @Column({ name: 'password_hash', type: 'varchar', length: 200 }) passwordHash!: string;
  /** See `User.tokenVersion`. No default here, though the column has one: TypeORM would read every insert back for it. */
  @Column({ name: 'token_version', type: 'integer' }) tokenVersion!: number;
  /** ISO-8601 UTC strings: they sort as text and mean the same on SQLite and PostgreSQL. */
  @Column({ name: 'created_at', type: 'varchar', length: 30 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 30 }) updatedAt!: string;
}
