import 'reflect-metadata';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Column, DataSource, Entity, In, ManyToOne, PrimaryColumn, type Repository } from 'typeorm';
import { onSqliteAndPostgres } from './entity-test-databases.js';
import { PreparedRead } from './prepared-read.js';

@Entity({ name: 'gadget' })
class Gadget {
  @PrimaryColumn({ type: 'varchar', length: 40 }) sku!: string;
  @Column({ name: 'shelf_no', type: 'integer' }) shelf!: number;
  @Column({ type: 'varchar', length: 200, nullable: true }) label!: string | null;
  @Column({ type: 'boolean', default: false }) fragile!: boolean;
  @Column({ type: 'simple-json', nullable: true }) tags!: string[] | null;
  @Column({ type: 'decimal', precision: 10, scale: 2, default: 0 }) price!: string;
}

@Entity({ name: 'gadget_part' })
class GadgetPart {
  @PrimaryColumn({ type: 'varchar', length: 40 }) id!: string;
  @ManyToOne(() => Gadget) gadget!: Gadget;
}

const HOSTILE = ["' OR 1=1 --", 'a"; DROP TABLE gadget; --', 'seam-prepared-read:0:-1', '%', 'é'.repeat(30)];

const rows: Gadget[] = [
  ...['g-1', 'g-2', 'g-3', 'g-4'].map((sku, index) =>
    Object.assign(new Gadget(), {
      sku,
      shelf: index % 2,
      label: index === 2 ? null : `Gadget ${sku}`,
      fragile: index % 2 === 0,
      tags: index === 1 ? null : ['a', sku],
      price: `${index}.50`,
    }),
  ),
  ...HOSTILE.map((sku) =>
    Object.assign(new Gadget(), { sku, shelf: 9, label: sku, fragile: false, tags: [sku], price: '1.00' }),
  ),
];

/** The same reads through findBy and through PreparedRead, on `open()`'s database. */
function sameAsFindBy(open: () => Promise<DataSource>) {
  let dataSource: DataSource;
  let gadgets: Repository<Gadget>;
  beforeAll(async () => {
    dataSource = await open();
    gadgets = dataSource.getRepository(Gadget);
    await gadgets.save(rows);
  });
  afterAll(() => dataSource?.destroy());

  it('reads one row by key as findOneBy does: same class, same values, nulls and conversions', async () => {
    const bySku = new PreparedRead(gadgets, { where: ['sku'], limit: 1 });
    for (const sku of ['g-1', 'g-2', 'g-3', 'missing', ...HOSTILE])
      expect(await bySku.first([sku])).toEqual((await gadgets.findOneBy({ sku })) ?? undefined);
    expect(await bySku.first(['g-1'])).toBeInstanceOf(Gadget);
    expect(await bySku.first([HOSTILE[0]])).toMatchObject({ sku: HOSTILE[0], shelf: 9, fragile: false });
  });

  it('reads lists of any length with IN, in the order asked, as findBy does', async () => {
    const byShelves = new PreparedRead(gadgets, {
      where: ['shelf', 'sku'],
      orderBy: [
        ['shelf', 'DESC'],
        ['sku', 'ASC'],
      ],
    });
    for (const skus of [['g-1'], ['g-4', 'g-1', 'g-2'], ['g-3', 'nope'], HOSTILE, rows.map((row) => row.sku)]) {
      const expected = await gadgets.find({
        where: { shelf: In([0, 1, 9]), sku: In(skus) },
        order: { shelf: 'DESC', sku: 'ASC' },
      });
      await expect(byShelves.all([[0, 1, 9], skus])).resolves.toEqual(expected);
    }
    await expect(byShelves.all([[0], []])).resolves.toEqual([]);
  });

  it('runs in the transaction of the manager it is given', async () => {
    const bySku = new PreparedRead(gadgets, { where: ['sku'] });
    let inside: string | null | undefined;
    await dataSource
      .transaction(async (manager) => {
        await manager.getRepository(Gadget).update({ sku: 'g-1' }, { label: 'inside' });
        inside = (await bySku.first(['g-1'], manager))?.label;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(inside).toBe('inside');
    expect((await bySku.first(['g-1']))?.label).toBe('Gadget g-1');
  });

  it('reads only the columns selected, as findOne with a select does', async () => {
    const labels = new PreparedRead(gadgets, {
      where: ['shelf'],
      select: ['sku', 'label', 'tags'],
      orderBy: [['sku', 'ASC']],
    });
    const read = await labels.all([0]);
    const found = await gadgets.find({
      where: { shelf: 0 },
      select: { sku: true, label: true, tags: true },
      order: { sku: 'ASC' },
    });
    expect(read).toEqual(found);
    expect(read.map((gadget) => Object.keys(gadget).toSorted())).toEqual(found.map(() => ['label', 'sku', 'tags']));
    expect(() => new PreparedRead(gadgets, { where: ['sku'], select: ['nope' as 'sku'] })).toThrow(
      'Gadget has no column "nope"',
    );
  });

  it('refuses a wrong number of values, unknown columns and entities with relations', () => {
    const bySku = new PreparedRead(gadgets, { where: ['sku'] });
    return Promise.all([
      expect(bySku.all([])).rejects.toThrow('1 values expected, got 0'),
      expect(() => new PreparedRead(gadgets, { where: ['nope' as 'sku'] })).toThrow('Gadget has no column "nope"'),
      expect(() => new PreparedRead(dataSource.getRepository(GadgetPart), { where: ['id'] })).toThrow(/has relations/),
    ]);
  });
}

await onSqliteAndPostgres('PreparedRead', [Gadget, GadgetPart], 'gadgets', sameAsFindBy);
