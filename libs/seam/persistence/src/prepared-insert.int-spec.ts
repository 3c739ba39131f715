import 'reflect-metadata';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Column, DataSource, Entity, type EntityManager, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { onSqliteAndPostgres, rolledBack } from './entity-test-databases.js';
import { PreparedInsert } from './prepared-insert.js';
import { isUniqueViolation } from './unique-violation.js';

/** Stored as integer minor units, read back as a number (like the modules' money columns). */
const CENTS = { to: (value: number) => Math.round(value * 100), from: (value: string | number) => Number(value) / 100 };

@Entity({ name: 'gizmo' })
class Gizmo {
  @PrimaryColumn({ type: 'varchar', length: 60 }) sku!: string;
  @PrimaryColumn({ name: 'line_no', type: 'integer' }) lineNo!: number;
  @Column({ type: 'varchar', length: 200, nullable: true }) label!: string | null;
  @Column({ type: 'boolean' }) fragile!: boolean;
  @Column({ type: 'bigint', transformer: CENTS }) price!: number;
  @Column({ type: 'integer', default: 3 }) shelf!: number;
}

@Entity({ name: 'numbered_gizmo' })
class NumberedGizmo {
  @PrimaryGeneratedColumn('increment') seq!: number;
  @Column({ type: 'varchar', length: 40 }) sku!: string;
}

@Entity({ name: 'tagged_gizmo' })
class TaggedGizmo {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 40 }) sku!: string;
}

const HOSTILE = ["' OR 1=1 --", 'a"; DROP TABLE gizmo; --', 'seam-prepared-write:0', ':v0', '?', 'é'.repeat(40)];

const gizmo = (sku: string, lineNo: number, fields: Partial<Gizmo> = {}): Gizmo =>
  Object.assign(new Gizmo(), {
    sku,
    lineNo,
    label: `Gizmo ${sku}`,
    fragile: lineNo % 2 === 0,
    price: 1.25,
    shelf: 1,
    ...fields,
  });

/** Inserts tried both ways: one row, several, nulls, a converted value, hostile text. */
const BATCHES: Gizmo[][] = [
  [gizmo('g-1', 0)],
  [gizmo('g-2', 0, { label: null, price: 0 }), gizmo('g-2', 1, { price: 99.99 }), gizmo('g-2', 2)],
  HOSTILE.map((sku, index) => gizmo(sku, index, { label: HOSTILE[(index + 1) % HOSTILE.length]! })),
];

/** The same inserts through manager.insert and through PreparedInsert, on `open()`'s database. */
function sameAsManagerInsert(open: () => Promise<DataSource>) {
  let dataSource: DataSource;
  beforeAll(async () => {
    dataSource = await open();
    await dataSource.getRepository(Gizmo).insert(gizmo('seeded', 0));
  });
  afterAll(() => dataSource?.destroy());

  /** The table after `apply`, and what it answered, rolled back afterwards. */
  const outcome = (apply: (manager: EntityManager) => Promise<unknown>) =>
    rolledBack(dataSource, apply, (manager) =>
      manager.getRepository(Gizmo).find({ order: { sku: 'ASC', lineNo: 'ASC' } }),
    );

  it('writes what manager.insert writes, one row or several, with nulls, conversions and hostile text', async () => {
    const insert = new PreparedInsert(dataSource.getRepository(Gizmo));
    for (const batch of BATCHES) {
      const expected = await outcome((manager) => manager.insert(Gizmo, batch).then(() => batch.length));
      const seen = await outcome((manager) => insert.run(batch, manager));
      expect(seen).toEqual(expected);
      expect(seen.rows).toHaveLength(1 + batch.length);
    }
    await expect(insert.run([])).resolves.toBe(0);
  });

  it('fails on a duplicate key as manager.insert does, and writes nothing of the batch', async () => {
    const insert = new PreparedInsert(dataSource.getRepository(Gizmo));
    const duplicate = [gizmo('new', 0), gizmo('seeded', 0)];
    const ours = await insert.run(duplicate).catch((error: unknown) => error);
    const theirs = await dataSource
      .getRepository(Gizmo)
      .insert(duplicate)
      .catch((error: unknown) => error);
    expect(isUniqueViolation(ours)).toBe(true);
    expect(isUniqueViolation(theirs)).toBe(true);
    expect(await dataSource.getRepository(Gizmo).findOneBy({ sku: 'new' })).toBeNull();
  });

  it('refuses a row without every value, and entities whose insert reads something back', async () => {
    const insert = new PreparedInsert(dataSource.getRepository(Gizmo));
    const { shelf: _shelf, ...withoutShelf } = gizmo('g-9', 0);
    await expect(insert.run([withoutShelf])).rejects.toThrow('PreparedInsert: no value for "shelf"');
    expect(() => new PreparedInsert(dataSource.getRepository(NumberedGizmo))).toThrow(
      /NumberedGizmo has a generated, version, create-date or update-date column/,
    );
    expect(() => new PreparedInsert(dataSource.getRepository(TaggedGizmo), { generatedByDatabase: true })).toThrow(
      /TaggedGizmo has a generated, version, create-date or update-date column/,
    );
  });

  it('leaves increment columns to the database when asked, numbering rows as manager.insert does', async () => {
    const insert = new PreparedInsert(dataSource.getRepository(NumberedGizmo), { generatedByDatabase: true });
    const numbered = (skus: string[]) => skus.map((sku) => Object.assign(new NumberedGizmo(), { sku }));
    const table = (manager: EntityManager) => manager.getRepository(NumberedGizmo).find({ order: { seq: 'ASC' } });
    const expected = await rolledBack(
      dataSource,
      async (manager) => {
        await manager.insert(NumberedGizmo, numbered(['a']));
        await manager.insert(NumberedGizmo, numbered(['b', 'c']));
      },
      table,
    );
    const given = numbered(['b', 'c']);
    const seen = await rolledBack(
      dataSource,
      async (manager) => {
        await insert.run(numbered(['a']), manager);
        return insert.run(given, manager);
      },
      table,
    );
    // PostgreSQL's sequence is not rolled back: the numbers go on, in the same order.
    const skus = (rows: NumberedGizmo[]) => rows.map((row) => row.sku);
    expect(skus(seen.rows)).toEqual(skus(expected.rows));
    expect(skus(seen.rows)).toEqual(['a', 'b', 'c']);
    const numbers = seen.rows.map((row) => Number(row.seq));
    expect(numbers.every((seq, index) => Number.isInteger(seq) && (index === 0 || seq > numbers[index - 1]!))).toBe(
      true,
    );
    expect(seen.answered).toBe(2);
    // Nothing is read back into the rows given.
    expect(given.map((row) => row.seq)).toEqual([undefined, undefined]);
  });
}

await onSqliteAndPostgres('PreparedInsert', [Gizmo, NumberedGizmo, TaggedGizmo], 'gizmos', sameAsManagerInsert);
