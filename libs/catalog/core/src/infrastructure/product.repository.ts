import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, type Repository } from 'typeorm';
import { CatalogContract } from '@contracts/catalog';
import { Outbox } from '@seam/messaging';
import { inTransaction, isUniqueViolation, PreparedRead } from '@seam/persistence';
import type { Product } from '../domain/product.js';
import { changedEvent } from '../product.views.js';
import { ProductRecord } from './product.record.js';
import { unicodeLower } from './unicode-lower.js';

/** A page of products and how many match in all. */
export interface ProductSlice {
  items: Product[];
  total: number;
}

/**
 * The catalog's products, in its own database. Every write also writes `catalog.product.changed`
 * to the module's outbox, in the same transaction.
 */
@Injectable()
export class ProductRepository {
  /** Prices are read by every order view and every order placed: the query is built once (see PreparedRead). */
  private readonly bySkus: PreparedRead<ProductRecord>;
  /** The SQL function searches lower-case with: Unicode-aware on both databases. */
  private readonly lower: string;

  constructor(
    @InjectRepository(ProductRecord, 'catalog') private readonly records: Repository<ProductRecord>,
    @InjectDataSource('catalog') private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {
    this.bySkus = new PreparedRead(records, { where: ['sku'] });
    this.lower = unicodeLower(dataSource);
  }

  async findBySku(sku: string): Promise<Product | undefined> {
    const record = await this.records.findOneBy({ sku });
    return record ? toProduct(record) : undefined;
  }

  async findBySkus(skus: string[]): Promise<Product[]> {
    return (await this.bySkus.all([skus])).map(toProduct);
  }

  /** Products in sku order; `text` matches name, description or sku case-insensitively. */
  async findPage(options: {
    text?: string;
    includeInactive: boolean;
    offset: number;
    limit: number;
  }): Promise<ProductSlice> {
    const query = this.records
      .createQueryBuilder('product')
      .orderBy('product.sku', 'ASC')
      .skip(options.offset)
      .take(options.limit);
    if (!options.includeInactive) query.andWhere('product.active = :active', { active: true });
    if (options.text) {
      // Lower-cased … LIKE behaves alike on SQLite and PostgreSQL (see unicodeLower); the pattern's wildcards are escaped.
      const pattern = `%${options.text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      const lower = this.lower;
      query.andWhere(
        `(${lower}(product.name) LIKE :pattern ESCAPE '\\' OR ${lower}(product.description) LIKE :pattern ESCAPE '\\' OR ${lower}(product.sku) LIKE :pattern ESCAPE '\\')`,
        { pattern },
      );
    }
    const [records, total] = await query.getManyAndCount();
    return { items: records.map(toProduct), total };
  }

  /** Inserts a product; false when its sku is taken (also when a concurrent insert took it first). */
  async insert(product: Product): Promise<boolean> {
    try {
      await inTransaction(this.dataSource, async (manager) => {
        await manager.insert(ProductRecord, toRecord(product));
        await this.announce(manager, product);
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Changes the stored product `sku` by `change` and answers it as stored, or `undefined` when there
   * is none. The read, the write and the event are one transaction holding the row's write lock
   * (FOR UPDATE on PostgreSQL; on SQLite `inTransaction` begins IMMEDIATE, which takes the database's
   * write lock): two concurrent updates each see the other's change instead of saving over it.
   * `change` answers the same product when nothing changes: nothing is written, no event published.
   */
  async update(sku: string, change: (product: Product) => Product): Promise<Product | undefined> {
    return inTransaction(this.dataSource, async (manager) => {
      const record = await manager.findOne(ProductRecord, {
        where: { sku },
        // TypeORM refuses a pessimistic lock on SQLite, whose whole database is locked already.
        ...(this.dataSource.options.type === 'postgres' ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      });
      if (!record) return undefined;
      const product = toProduct(record);
      const next = change(product);
      if (next === product) return product;
      await manager.update(ProductRecord, { sku }, toRecord(next));
      await this.announce(manager, next);
      return next;
    });
  }

  private async announce(manager: EntityManager, product: Product): Promise<void> {
    await this.outbox.add(manager, CatalogContract.productChanged, changedEvent(product), { aggregateId: product.sku });
  }
}

function toProduct(record: ProductRecord): Product {
  return {
    sku: record.sku,
    name: record.name,
    description: record.description,
    price: { amount: record.priceAmount, currency: record.priceCurrency },
    active: Boolean(record.active),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function toRecord(product: Product): ProductRecord {
  return Object.assign(new ProductRecord(), {
    sku: product.sku,
    name: product.name,
    description: product.description,
    priceAmount: product.price.amount,
    priceCurrency: product.price.currency,
    active: product.active,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
  });
}
