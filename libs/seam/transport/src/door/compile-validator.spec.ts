// class-transformer's @Type reads decorator metadata; in an app, @nestjs/core loads this polyfill.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Transform } from 'class-transformer';
import {
  Allow,
  IsDefined,
  IsInt,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import * as fc from 'fast-check';
import { ValidationError } from '../errors/seam-error.js';
import { compileValidator } from './compile-validator.js';
import { Nested, Optional } from './field.decorators.js';
import { validatePayload, validateWithClassValidator } from './validate-payload.js';

@ValidatorConstraint({ name: 'isEven' })
class IsEven implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && value % 2 === 0;
  }
  defaultMessage(): string {
    return '$property must be even';
  }
}

class Leaf {
  @IsString() @MaxLength(40) name!: string;
}
class Custom {
  @Validate(IsEven) n!: number;
}
class Defined {
  @IsDefined() @IsInt() n!: number;
}
class Positive {
  @IsPositive() n!: number;
}
class Sticky {
  @Matches(/a/y) code!: string;
}
class Trimmed {
  @IsString() @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) name!: string;
}
class HoldsCustom {
  @Nested(() => Custom) inner!: Custom;
  @IsString() label!: string;
}
class Base {
  @IsString() id!: string;
}
class Derived extends Base {
  @IsInt() @Min(1) version!: number;
}
class Tree {
  @IsString() name!: string;
  @Optional() @Nested(() => Tree, { maxItems: 3 }) children?: Tree[];
}
class Untyped {
  @ValidateNested() leaf!: Leaf;
}
class Initialised {
  @IsString() name!: string;
  status = 'draft';
}
class Flexible {
  @IsOptional() @IsString({ each: true }) tags?: string[];
  @IsInt({ validateIf: (_object: object, value: unknown) => value !== 'skip' }) count!: number;
  @Allow() anything?: unknown;
}

/** What a door answers: the instance (class and JSON) or the error (message and fields). */
function answer(validate: typeof validatePayload, dto: new () => object, payload: unknown): unknown {
  try {
    const instance = validate(dto, payload) as object;
    return { accepted: instance.constructor.name, json: JSON.stringify(instance) };
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return { refused: (error as ValidationError).message, fields: (error as ValidationError).fields };
  }
}

function expectSameAnswers(dto: new () => object, payloads: unknown[]): void {
  for (const payload of payloads) {
    expect({ payload, ...(answer(validatePayload, dto, payload) as object) }).toEqual({
      payload,
      ...(answer(validateWithClassValidator, dto, payload) as object),
    });
  }
}

describe('compileValidator', () => {
  describe('compileValidator', () => {
    it('compiles a DTO of built-in constraints once and keeps it', () => {
      const compiled = compileValidator(Derived);
      expect(compiled.constrained).toBe(true);
      expect(compiled.check).not.toBeNull();
      expect(compileValidator(Derived)).toBe(compiled);
    });

    it('says a field-less class has no constraint', () => {
      expect(compileValidator(class Empty {}).constrained).toBe(false);
    });

    it.each([
      ['a user-defined constraint', Custom],
      ['@IsDefined', Defined],
      ['a built-in it does not know', Positive],
      ['a sticky pattern', Sticky],
    ])('leaves a DTO using %s to class-validator', (_, dto) => {
      expect(compileValidator(dto)).toEqual({ constrained: true, check: null });
    });

    it('compiles a DTO nesting one it leaves to class-validator (that one is asked when met)', () => {
      expect(compileValidator(HoldsCustom).check).not.toBeNull();
      expectSameAnswers(HoldsCustom, [
        { inner: { n: 2 }, label: 'x' },
        { inner: { n: 3 }, label: 'x' },
        { inner: { n: 2, extra: 1 }, label: 7 },
      ]);
    });
  });

  describe('validatePayload with compiled checks', () => {
    it.each([
      ['a user-defined constraint', Custom, [{ n: 2 }, { n: 3 }, { n: '2' }, {}]],
      ['@IsDefined', Defined, [{ n: 1 }, { n: null }, {}]],
      ['@Transform (class-transformer runs it)', Trimmed, [{ name: ' x ' }, { name: 1 }]],
      [
        'inherited fields',
        Derived,
        [
          { id: 'a', version: 1 },
          { id: 1, version: 0 },
          { version: 1, extra: 1 },
        ],
      ],
      ['a class nesting itself', Tree, [{ name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] }]],
      ['a nested object without @Type (an unknown value)', Untyped, [{ leaf: { name: 'a' } }, { leaf: 'a' }]],
      ['a field initialiser without decorators', Initialised, [{ name: 'a' }, { name: 'a', status: 'x' }]],
      [
        'each, @IsOptional, validateIf and @Allow',
        Flexible,
        [
          { count: 1 },
          { tags: ['a', 1], count: 'skip' },
          { tags: null, count: 1.5, anything: { a: 1 } },
          { tags: 'a' },
        ],
      ],
    ])('answers as class-validator for %s', (_, dto, payloads) => {
      expectSameAnswers(dto as new () => object, payloads);
    });

    it('counts a length in code points, as class-validator does, and takes it on its own', () => {
      const emoji = { name: '😀'.repeat(40) };
      expectSameAnswers(Leaf, [emoji, { name: '😀'.repeat(41) }, { name: 'é\uFE0F'.repeat(40) }]);
      expect(compileValidator(Leaf).check!(validatePayload(Leaf, emoji))).toBe(true);
    });

    it('lets the keys of Object.prototype that class-validator whitelists through, as it does', () => {
      const payload = JSON.parse('{"name":"a","hasOwnProperty":1,"isPrototypeOf":2}') as object;
      expectSameAnswers(Leaf, [payload, JSON.parse('{"name":"a","toString":1}')]);
      expect(compileValidator(Leaf).check!(validatePayload(Leaf, payload))).toBe(true);
    });

    it('answers as class-validator for any JSON shaped like the DTO', () => {
      const value = fc.oneof(fc.string({ maxLength: 45, unit: 'binary' }), fc.integer(), fc.jsonValue({ maxDepth: 2 }));
      const tree = fc.letrec((tie) => ({
        node: fc.record(
          { name: value, children: fc.oneof(fc.array(tie('node'), { maxLength: 4 }), value), extra: value },
          { requiredKeys: [] },
        ),
      })).node;
      fc.assert(
        fc.property(tree, (payload) => expectSameAnswers(Tree, [payload])),
        { numRuns: 500 },
      );
    });
  });
});
