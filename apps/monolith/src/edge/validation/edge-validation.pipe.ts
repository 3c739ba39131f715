import { type ArgumentMetadata, Injectable, type PipeTransform, ValidationPipe } from '@nestjs/common';
import { acceptedInstance, type FieldViolation, invalidPayload } from '@seam/transport';
import * as classValidator from 'class-validator';
import type { ValidationError as ClassValidatorError } from 'class-validator';
import { type PayloadScan, scanBody, scanPayload } from '../context/payload-scan.js';
import { describeTextErrors, readPathOrQueryText } from './path-and-query-text.js';

type Part = ArgumentMetadata['type'];

/** What Nest's ValidationPipe leaves alone or converts itself (`toValidate`): no DTO. */
const NOT_DTOS = new Set<unknown>([String, Boolean, Number, Array, Object, Buffer, Date]);

const WHERE: Record<Part, string> = { body: 'request body', query: 'query string', param: 'path', custom: 'request' };

/**
 * Validates what HTTP requests bring (body, query, path parameters) against the edge's DTO
 * classes: unknown fields are refused, not stripped (those named like `Object.prototype`'s
 * methods too, which the pipe cannot see); values that are not what the class says are refused.
 * Query and path values are text, so they are converted to the declared type first (`?page=2` →
 * 2; an integer only from plain decimal digits, a UUID lower-cased: `readPathOrQueryText`); a JSON
 * body is not converted: `"quantity": "2"` is a wrong type.
 *
 * An input the DTO's compiled validator accepts as it is (a body, or path and query text for
 * `string` fields: nothing to convert) is answered without Nest's ValidationPipe, whose
 * class-validator scans its metadata on every call; everything else goes through that pipe, so
 * conversions and every refusal are exactly its.
 *
 * @throws ValidationError listing each offending field (`lines[1].quantity`) and its messages,
 * capped as at the contracts' doors (`invalidPayload`: the first 20 fields, bounded text).
 */
@Injectable()
export class EdgeValidationPipe implements PipeTransform {
  private readonly pipes = new Map<Part, ValidationPipe>();

  transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'query' || metadata.type === 'param') {
      // Conversion calls String()/Number() on each value, which throws a TypeError (a 500) for an
      // object whose toString/valueOf is no function: such a value is refused before it is tried.
      const unconvertible = unconvertibleFields(value);
      if (unconvertible.length > 0)
        return Promise.reject(invalidPayload(`Invalid ${WHERE[metadata.type]}`, unconvertible));
      if (isDto(metadata.metatype)) value = readPathOrQueryText(value, metadata.metatype);
    }
    if (metadata.type !== 'custom' && isDto(metadata.metatype)) {
      const shadowing = shadowingFields(metadata.type === 'body' ? scanBody(value) : scanPayload(value));
      if (shadowing.length > 0) return Promise.reject(invalidPayload(`Invalid ${WHERE[metadata.type]}`, shadowing));
    }
    const accepted = this.acceptedAsIs(value, metadata);
    if (accepted !== undefined) return Promise.resolve(accepted);
    return this.pipeFor(metadata.type).transform(value, metadata);
  }

  /**
   * `value` as an instance of its DTO when the compiled validator accepts it and the pipe would
   * convert nothing: a body (never converted), or path and query values that are all text for
   * fields declared `string`. Undefined otherwise: the pipe decides. (Tests turn it off to compare
   * with the pipe alone.)
   */
  protected acceptedAsIs(value: unknown, { type, metatype }: ArgumentMetadata): unknown {
    if (type === 'custom' || !isDto(metatype)) return undefined;
    if (type !== 'body') {
      if (typeof value !== 'object' || value === null) return undefined;
      for (const [key, item] of Object.entries(value)) {
        if (typeof item !== 'string' || Reflect.getMetadata('design:type', metatype.prototype, key) !== String)
          return undefined;
      }
    }
    return acceptedInstance(metatype, value);
  }

  private pipeFor(part: Part): ValidationPipe {
    let pipe = this.pipes.get(part);
    if (!pipe) {
      pipe = new ValidationPipe({
        whitelist: true,
        forbidNonWhitelisted: true,
        forbidUnknownValues: true,
        transform: true,
        transformOptions: { enableImplicitConversion: part !== 'body' },
        validationError: { target: false, value: false },
        // The copy the DTOs' decorators use, which the build bundles: left to itself, the pipe
        // would import a second one from node_modules (rspack.config.js, BUNDLED_PACKAGES).
        validatorPackage: classValidator,
        exceptionFactory: (errors: ClassValidatorError[]) =>
          invalidPayload(
            `Invalid ${WHERE[part]}`,
            fieldViolations(part === 'body' ? errors : describeTextErrors(errors)),
          ),
      });
      this.pipes.set(part, pipe);
    }
    return pipe;
  }
}

const isDto = (metatype: unknown): metatype is new () => object =>
  typeof metatype === 'function' && !NOT_DTOS.has(metatype);

/**
 * Own keys, at any depth, named like a method of `Object.prototype`, refused as class-validator
 * refuses any other unknown key. No DTO declares such a field, and the pipe would not see them:
 * class-transformer leaves them out of the instance it builds, so `"toString": 1` was dropped in
 * silence where `"extra": 1` is refused. In a body, found by its one walk (`scanBody`, done by the
 * forbidden-keys middleware before any pipe runs).
 */
function shadowingFields(scan: PayloadScan): FieldViolation[] {
  return scan.shadowing.map((path) => ({
    path,
    messages: [`property ${path.split('.').pop()!} should not exist`],
  }));
}

/** Query or path values that are objects (or lists holding objects): text is all they can be. */
function unconvertibleFields(value: unknown): FieldViolation[] {
  if (typeof value !== 'object' || value === null) return [];
  const isObject = (item: unknown) => typeof item === 'object' && item !== null;
  return Object.entries(value)
    .filter(([, item]) => (Array.isArray(item) ? item.some(isObject) : isObject(item)))
    .map(([path]) => ({ path, messages: [`${path} must be text`] }));
}

/** class-validator's error tree as flat field paths: `lines[1].quantity`, `price.amount`. */
export function fieldViolations(errors: readonly ClassValidatorError[], parent = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    // No property: class-validator refused a value that is no DTO at all (an array in a list of DTOs).
    const path =
      error.property === undefined
        ? parent
        : /^\d+$/.test(error.property)
          ? `${parent}[${error.property}]`
          : parent
            ? `${parent}.${error.property}`
            : error.property;
    const own = error.constraints ? [{ path, messages: [...new Set(Object.values(error.constraints))] }] : [];
    return [...own, ...fieldViolations(error.children ?? [], path)];
  });
}
