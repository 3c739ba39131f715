import {
  Column,
  Entity,
  type MigrationInterface,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type QueryRunner,
  Table,
} from 'typeorm';
import { defineModuleData } from '../../module-data.js';

/** An account of the `ledger` test module: a bigint balance, a boolean, nullable text. */
@Entity({ name: 'account' })
export class AccountRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'bigint' }) balance!: string;
  @Column({ type: 'boolean' }) active!: boolean;
  @Column({ type: 'text', nullable: true }) note!: string | null;
}

/** An entry: a generated key (a PostgreSQL sequence that must move on) and a foreign key. */
@Entity({ name: 'entry' })
export class EntryRecord {
  @PrimaryGeneratedColumn('increment', { name: 'seq' }) seq?: number;
  @Column({ name: 'account_id', type: 'varchar', length: 36 }) accountId!: string;
  @Column({ type: 'bigint' }) amount!: string;
}

/**
 * Creates the ledger's tables: two with entities, `entry_tag` (composite key, foreign key to
 * `entry`) and `ledger_note` (no primary key) without entities — tables only a migration knows.
 */
export class CreateLedger1700000000000 implements MigrationInterface {
  name = 'CreateLedger1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'account',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'balance', type: 'bigint' },
          { name: 'active', type: 'boolean' },
          { name: 'note', type: 'text', isNullable: true },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'entry',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'account_id', type: 'varchar', length: '36' },
          { name: 'amount', type: 'bigint' },
        ],
        foreignKeys: [{ columnNames: ['account_id'], referencedTableName: 'account', referencedColumnNames: ['id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'entry_tag',
        columns: [
          { name: 'entry_seq', type: 'integer', isPrimary: true },
          { name: 'tag', type: 'varchar', length: '20', isPrimary: true },
        ],
        foreignKeys: [{ columnNames: ['entry_seq'], referencedTableName: 'entry', referencedColumnNames: ['seq'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'ledger_note',
        columns: [
          { name: 'body', type: 'text' },
          { name: 'weight', type: 'integer', isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['ledger_note', 'entry_tag', 'entry', 'account']) await queryRunner.dropTable(table);
  }
}

/** The `ledger` test module's data: a toolkit-level stand-in for a real module. */
export const ledgerData = defineModuleData({
  module: 'ledger',
  entities: [AccountRecord, EntryRecord],
  migrations: [CreateLedger1700000000000],
});

/** 2^53 + 1: a double cannot hold it, so only an exact copy keeps it. */
export const BEYOND_DOUBLE = '9007199254740993';

/**
 * Fills a migrated ledger: `accounts` accounts (one at {@link BEYOND_DOUBLE}, one at -1 with a
 * NULL note), two entries each, a tag per entry, and notes (two identical: no key tells them apart).
 */
export async function seedLedger(queryRunner: QueryRunner, accounts = 7): Promise<void> {
  const postgres = queryRunner.connection.options.type === 'postgres';
  const p = (index: number) => (postgres ? `$${index}` : '?');
  for (let index = 0; index < accounts; index += 1) {
    const id = `acc-${String(index).padStart(2, '0')}${index % 3 === 0 ? 'É' : ''}`;
    const balance = index === 0 ? BEYOND_DOUBLE : index === 1 ? '-1' : String(index * 1_000);
    // The balance is written as an SQL literal: a bound JS number would round 2^53 + 1.
    await queryRunner.query(
      `INSERT INTO account (id, balance, active, note) VALUES (${p(1)}, ${balance}, ${p(2)}, ${p(3)})`,
      [id, postgres ? index % 2 === 0 : Number(index % 2 === 0), index === 1 ? null : `note "${index}" ; ' ünïcödé`],
    );
    for (const amount of [index + 1, -(index + 1)]) {
      await queryRunner.query(`INSERT INTO entry (account_id, amount) VALUES (${p(1)}, ${p(2)})`, [id, amount]);
    }
  }
  await queryRunner.query(`INSERT INTO entry_tag (entry_seq, tag) SELECT seq, 'tag' FROM entry`);
  for (const [body, weight] of [
    ['same', 1],
    ['same', 1],
    ['other', null],
  ]) {
    await queryRunner.query(`INSERT INTO ledger_note (body, weight) VALUES (${p(1)}, ${p(2)})`, [body, weight]);
  }
}
