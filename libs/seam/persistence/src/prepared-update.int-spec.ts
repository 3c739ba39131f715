import 'reflect-metadata';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  Column,
  DataSource,
  Entity,
  type EntityManager,
  IsNull,
  PrimaryColumn,
  type Repository,
  VersionColumn,
} from 'typeorm';
import { onSqliteAndPostgres, rolledBack } from './entity-test-databases.js';
import { PreparedUpdate } from './prepared-update.js';

/** Stored as integer minor units, read back as a number (like the modules' money columns). */
const CENTS = { to: (value: number) => Math.round(value * 100), from: (value: string | number) => Number(value) / 100 };

@Entity({ name: 'widget' })
class Widget {
  @PrimaryColumn({ type: 'varchar', length: 60 }) sku!: string;
  @Column({ type: 'varchar', length: 10 }) status!: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) label!: string | null;
  @Column({ type: 'boolean' }) fragile!: boolean;
  @Column({ type: 'bigint', transformer: CENTS }) price!: number;
  @Column({ type: 'simple-json', nullable: true }) tags!: string[] | null;
}

@Entity({ name: 'versioned_widget' })
class VersionedWidget {
  @PrimaryColumn({ type: 'varchar', length: 40 }) sku!: string;
  @VersionColumn() version!: number;
}

const HOSTILE = ["' OR 1=1 --", 'a"; DROP TABLE widget; --', 'seam-prepared-update:0', ':s0', '?'];

const seed = (): Widget[] =>
  ['w-1', 'w-2', 'w-3', ...HOSTILE].map((sku, index) =>
    Object.assign(new Widget(), {
      sku,
      status: index % 2 === 0 ? 'a' : 'b',
      label: `Widget ${index}`,
      fragile: index % 3 === 0,
      price: index + 0.25,
      tags: null,
    }),
  );

type Change = { where: [string, string]; fields: Pick<Widget, 'status' | 'label' | 'fragile' | 'price'> };

/** Updates tried both ways: by key and status, nulls, hostile text in values and keys, no match. */
const CHANGES: Change[] = [
  { where: ['w-1', 'a'], fields: { status: 'c', label: 'changed', fragile: true, price: 12.5 } },
  { where: ['w-2', 'a'], fields: { status: 'c', label: null, fragile: false, price: 0 } },
  { where: ['w-2', 'b'], fields: { status: 'd', label: null, fragile: false, price: 3 } },
  ...HOSTILE.map((sku, index): Change => ({
    where: [sku, index % 2 === 0 ? 'b' : 'a'],
    fields: { status: 'h', label: HOSTILE[(index + 1) % HOSTILE.length]!, fragile: true, price: 7.77 },
  })),
];

/** The same updates through manager.update and through PreparedUpdate, on `open()`'s database. */
function sameAsManagerUpdate(open: () => Promise<DataSource>) {
  let dataSource: DataSource;
  let widgets: Repository<Widget>;
  beforeAll(async () => {
    dataSource = await open();
    widgets = dataSource.getRepository(Widget);
    await widgets.save(seed());
  });
  afterAll(() => dataSource?.destroy());

  /** What `change` leaves in the table and how many rows it changed (`answered`), rolled back afterwards. */
  const outcome = (apply: (manager: EntityManager) => Promise<number>) =>
    rolledBack(dataSource, apply, (manager) => manager.getRepository(Widget).find({ order: { sku: 'ASC' } }));

  it('writes what manager.update writes and counts the same rows, with nulls, conversions and hostile text', async () => {
    const update = new PreparedUpdate(widgets, {
      where: ['sku', 'status'],
      set: ['status', 'label', 'fragile', 'price'],
    });
    for (const { where, fields } of CHANGES) {
      const expected = await outcome(
        async (manager) => (await manager.update(Widget, { sku: where[0], status: where[1] }, fields)).affected ?? 0,
      );
      await expect(outcome((manager) => update.run(where, fields, manager))).resolves.toEqual(expected);
    }
    // The table is as seeded: every try was rolled back.
    expect(await widgets.find({ order: { sku: 'ASC' } })).toEqual(
      await outcome(async () => 0).then((seen) => seen.rows),
    );
  });

  it('compares converted values: a boolean key matches the rows stored with it', async () => {
    const byFragility = new PreparedUpdate(widgets, { where: ['fragile'], set: ['label'] });
    const expected = await outcome(
      async (manager) => (await manager.update(Widget, { fragile: true }, { label: 'fragile' })).affected ?? 0,
    );
    const seen = await outcome((manager) => byFragility.run([true], { label: 'fragile' }, manager));
    expect(seen).toEqual(expected);
    expect(seen.answered).toBeGreaterThan(1);
  });

  it('changes only rows whose whereNull columns are NULL, as manager.update with IsNull()', async () => {
    const claim = new PreparedUpdate(widgets, { where: ['status'], whereNull: ['label'], set: ['label'] });
    // w-1 and w-3 are status a; only w-3's label is NULL when the update runs.
    const unlabel = (manager: EntityManager) => manager.update(Widget, { sku: 'w-3' }, { label: null });
    const expected = await outcome(async (manager) => {
      await unlabel(manager);
      return (await manager.update(Widget, { status: 'a', label: IsNull() }, { label: 'claimed' })).affected ?? 0;
    });
    const seen = await outcome(async (manager) => {
      await unlabel(manager);
      return claim.run(['a'], { label: 'claimed' }, manager);
    });
    expect(seen).toEqual(expected);
    expect(seen.answered).toBe(1);
    expect(seen.rows.filter((row) => row.label === 'claimed').map((row) => row.sku)).toEqual(['w-3']);
  });

  it('runs outside a transaction, and inside the one of the manager it is given', async () => {
    const relabel = new PreparedUpdate(widgets, { where: ['sku'], set: ['label'] });
    await dataSource
      .transaction(async (manager) => {
        await relabel.run(['w-3'], { label: 'inside' }, manager);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect((await widgets.findOneBy({ sku: 'w-3' }))?.label).toBe('Widget 2');
    await expect(relabel.run(['w-3'], { label: 'outside' })).resolves.toBe(1);
    expect((await widgets.findOneBy({ sku: 'w-3' }))?.label).toBe('outside');
  });

  it('refuses what it would write differently from manager.update', async () => {
    const relabel = new PreparedUpdate(widgets, { where: ['sku'], set: ['label', 'status'] });
    await expect(relabel.run([], { label: 'x', status: 'a' })).rejects.toThrow('1 values to compare expected, got 0');
    await expect(relabel.run(['w-1'], { label: 'x' })).rejects.toThrow('no value for "status"');
    expect(() => new PreparedUpdate(widgets, { where: ['sku'], set: ['nope' as 'label'] })).toThrow(
      'Widget has no column "nope"',
    );
    expect(() => new PreparedUpdate(widgets, { where: ['sku'], set: ['tags'] })).toThrow(/is a relation or JSON/);
    expect(() => new PreparedUpdate(widgets, { where: [], set: ['label'] })).toThrow(/needs columns/);
    expect(
      () => new PreparedUpdate(dataSource.getRepository(VersionedWidget), { where: ['sku'], set: ['sku'] }),
    ).toThrow(/version or update-date column/);
  });
}

await onSqliteAndPostgres('PreparedUpdate', [Widget, VersionedWidget], 'widgets', sameAsManagerUpdate);
