import {
  getMetadataStorage,
  validateSync,
  type ValidationError as ClassValidatorError,
  type ValidatorOptions,
} from 'class-validator';
import type { DtoClass } from '../contracts/contract.types.js';
import { type FieldViolation, ValidationError } from '../errors/seam-error.js';
import { findForbiddenKeys, MAX_PAYLOAD_DEPTH } from './forbidden-keys.js';
import { toInstance } from './instantiate.js';

const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

/**
 * Validates an incoming payload against its contract DTO and returns it as an instance of that
 * class. Synchronous on purpose: `validateSync` is ~1.5 µs cheaper per call than `validate`, and
 * a DTO has no business doing I/O (async validators are not run at the door).
 *
 * @throws ValidationError listing every offending field (path and messages): not an object,
 * forbidden keys (`__proto__`, `constructor`, `prototype`), nested deeper than 64 levels,
 * unknown fields, wrong types, failed constraints.
 */
export function validatePayload<T>(dto: DtoClass<T>, value: unknown): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${dto.name} must be a JSON object`, [{ path: '', messages: ['must be an object'] }]);
  }
  const scan = findForbiddenKeys(value);
  if (scan.tooDeep) {
    throw new ValidationError(`${dto.name} is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`, [
      { path: '', messages: [`must not be nested deeper than ${MAX_PAYLOAD_DEPTH} levels`] },
    ]);
  }
  if (scan.paths.length > 0) {
    const fields = scan.paths.map((path) => ({ path, messages: [`${path.split('.').pop()} is a forbidden key`] }));
    throw new ValidationError(`${dto.name} has forbidden keys`, fields);
  }
  if (!hasConstraints(dto)) return acceptEmpty(dto, value);
  const instance = toInstance(dto, value);
  const errors = validateSync(instance as object, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw new ValidationError(`Invalid ${dto.name}`, flatten(errors, ''));
  return instance;
}

function flatten(errors: ClassValidatorError[], parent: string): FieldViolation[] {
  const fields: FieldViolation[] = [];
  for (const error of errors) {
    const path = join(parent, error.property);
    if (error.constraints) fields.push({ path, messages: Object.values(error.constraints) });
    if (error.children?.length) fields.push(...flatten(error.children, path));
  }
  return fields;
}

function join(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

const constrained = new WeakMap<DtoClass, boolean>();

/** Whether class-validator knows any constraint of `dto` (a field-less DTO has none). */
function hasConstraints(dto: DtoClass): boolean {
  let known = constrained.get(dto);
  if (known === undefined) {
    known = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).length > 0;
    constrained.set(dto, known);
  }
  return known;
}

/** A DTO without fields accepts exactly `{}`: class-validator would call it an unknown value. */
function acceptEmpty<T>(dto: DtoClass<T>, value: object): T {
  const keys = Object.keys(value);
  if (keys.length > 0) {
    const fields = keys.map((path) => ({ path, messages: [`property ${path} should not exist`] }));
    throw new ValidationError(`Invalid ${dto.name}`, fields);
  }
  return new dto();
}
