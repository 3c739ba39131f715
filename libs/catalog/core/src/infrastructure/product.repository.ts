import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, type Repository } from 'typeorm';
import { CatalogContract } from '@contracts/catalog';
import { Outbox } from '@seam/messaging';
import { inTransaction, isUniqueViolation, PreparedRead } from '@seam/persistence';
import type { Product } from '../domain/product.js';
import { changedEvent } from '../product.views.js';
import { ProductRecord } from './product.record.js';

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

  constructor(
    @InjectRepository(ProductRecord, 'catalog') private readonly records: Repository<ProductRecord>,
    @InjectDataSource('catalog') private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {
    this.bySkus = new PreparedRead(records, { where: ['sku'] });
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
      // LOWER … LIKE behaves alike on SQLite and PostgreSQL; the pattern's wildcards are escaped.
      const pattern = `%${options.text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      query.andWhere(
        "(LOWER(product.name) LIKE :pattern ESCAPE '\\' OR LOWER(product.description) LIKE :pattern ESCAPE '\\' OR LOWER(product.sku) LIKE :pattern ESCAPE '\\')",
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

  /** Stores a product's new state (and its event). */
  async save(product: Product): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      await manager.save(ProductRecord, toRecord(product));
      await this.announce(manager, product);
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
