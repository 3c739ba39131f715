import { type ArgumentMetadata, Injectable, type PipeTransform, ValidationPipe } from '@nestjs/common';
import { type FieldViolation, invalidPayload } from '@seam/transport';
import type { ValidationError as ClassValidatorError } from 'class-validator';

type Part = ArgumentMetadata['type'];

const WHERE: Record<Part, string> = { body: 'request body', query: 'query string', param: 'path', custom: 'request' };

/**
 * Validates what HTTP requests bring (body, query, path parameters) against the edge's DTO
 * classes: unknown fields are refused, not stripped; values that are not what the class says are
 * refused. Query and path values are text, so they are converted to the declared type first
 * (`?page=2` → 2); a JSON body is not converted: `"quantity": "2"` is a wrong type.
 *
 * @throws ValidationError listing each offending field (`lines[1].quantity`) and its messages,
 * capped as at the contracts' doors (`invalidPayload`: the first 20 fields, bounded text).
 */
@Injectable()
export class EdgeValidationPipe implements PipeTransform {
  private readonly pipes = new Map<Part, ValidationPipe>();

  transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return this.pipeFor(metadata.type).transform(value, metadata);
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
        exceptionFactory: (errors: ClassValidatorError[]) =>
          invalidPayload(`Invalid ${WHERE[part]}`, fieldViolations(errors)),
      });
      this.pipes.set(part, pipe);
    }
    return pipe;
  }
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
