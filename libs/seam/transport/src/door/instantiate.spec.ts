import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, ValidateNested, validateSync } from 'class-validator';
import { toInstance } from './instantiate.js';

class Line {
  @IsString() sku!: string;
  @IsInt() quantity!: number;
}

class Order {
  @IsString() customer!: string;
  @ValidateNested({ each: true }) @Type(() => Line) lines!: Line[];
  @IsOptional() @ValidateNested() @Type(() => Line) featured?: Line;
  status = 'draft';
}

class BaseDto {
  @IsString() id!: string;
}

class DerivedDto extends BaseDto {
  @IsInt() version!: number;
}

class Trimmed {
  @IsString() @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) name!: string;
}

class Dated {
  @IsDate() @Type(() => Date) at!: Date;
}

const options = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };
const violations = (instance: object) => validateSync(instance, options).map((error) => error.property);

describe('toInstance', () => {
  describe('for DTOs using only @Type (fast path)', () => {
    it('builds instances of the class and of nested classes, keeping field initialisers', () => {
      const order = toInstance(Order, {
        customer: 'c',
        lines: [{ sku: 'a', quantity: 1 }],
        featured: { sku: 'b', quantity: 2 },
      });
      expect(order).toBeInstanceOf(Order);
      expect(order.lines[0]).toBeInstanceOf(Line);
      expect(order.featured).toBeInstanceOf(Line);
      expect(order.status).toBe('draft');
    });

    it('validates exactly like plainToInstance, valid or not', () => {
      const inputs = [
        { customer: 'c', lines: [{ sku: 'a', quantity: 1 }] },
        { customer: 3, lines: [{ sku: 'a', quantity: 'x' }, 7, null], extra: true },
        { customer: 'c', lines: 'not-an-array', featured: [{ sku: 1 }] },
        { customer: 'c', lines: [{ sku: 'a', quantity: 1, hidden: 1 }] },
      ];
      for (const input of inputs) {
        const fast = validateSync(toInstance(Order, structuredClone(input)), options);
        const slow = validateSync(plainToInstance(Order, structuredClone(input)), options);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
      }
    });

    it('sees fields declared on ancestor classes', () => {
      const dto = toInstance(DerivedDto, { id: 'x', version: 'one' });
      expect(dto).toBeInstanceOf(DerivedDto);
      expect(violations(dto)).toEqual(['version']);
    });
  });

  describe('for DTOs using other class-transformer features', () => {
    it('applies @Transform, as plainToInstance does', () => {
      expect(toInstance(Trimmed, { name: '  padded  ' }).name).toBe('padded');
    });

    it('converts @Type(() => Date), as plainToInstance does', () => {
      const dated = toInstance(Dated, { at: '2026-01-02T03:04:05.000Z' });
      expect(dated.at).toBeInstanceOf(Date);
      expect(violations(dated)).toEqual([]);
    });
  });
});
