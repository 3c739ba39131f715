import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { isUniqueViolation } from '@seam/persistence';
import type { Product } from '../domain/product.js';
import { ProductRecord } from './product.record.js';

/** A page of products and how many match in all. */
export interface ProductSlice {
  items: Product[];
  total: number;
}

/** The catalog's products, in its own database. */
@Injectable()
export class ProductRepository {
  constructor(@InjectRepository(ProductRecord, 'catalog') private readonly records: Repository<ProductRecord>) {}

  async findBySku(sku: string): Promise<Product | undefined> {
    const record = await this.records.findOneBy({ sku });
    return record ? toProduct(record) : undefined;
  }

  async findBySkus(skus: string[]): Promise<Product[]> {
    return (await this.records.findBy({ sku: In(skus) })).map(toProduct);
  }

  /** Products in sku order; `text` matches name, description or sku case-insensitively. */
  async findPage(options: { text?: string; includeInactive: boolean; offset: number; limit: number }): Promise<ProductSlice> {
    const query = this.records.createQueryBuilder('product').orderBy('product.sku', 'ASC').skip(options.offset).take(options.limit);
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
      await this.records.insert(toRecord(product));
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async save(product: Product): Promise<void> {
    await this.records.save(toRecord(product));
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
