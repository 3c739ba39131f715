import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import type { DtoClass } from '../contracts/contract.types.js';
import { constraintCheck, type PropertyCheck } from './compiled-constraints.js';

/**
 * Whether an instance passes every constraint of its class, nested DTOs included: `true` only
 * where class-validator (`whitelist`, `forbidNonWhitelisted`, `forbidUnknownValues`) finds no
 * error. `false` means "refused, or not sure" — the caller asks class-validator, which decides and
 * explains.
 */
export type InstanceCheck = (instance: object) => boolean;

/** What {@link compileValidator} made of a DTO class. */
export interface CompiledValidator {
  /** Whether class-validator knows any constraint of the class (a field-less DTO has none). */
  readonly constrained: boolean;
  /**
   * The compiled check, or `null` when the class (not its nested DTOs, which are compiled on
   * their own) uses a decorator or option the compiler does not know: class-validator validates it.
   */
  readonly check: InstanceCheck | null;
}

type Condition = (object: object, value: unknown) => unknown;
type FieldCheck = (object: Record<string, unknown>) => boolean;

const compiled = new WeakMap<object, CompiledValidator>();
/** class-validator's answer for a class it knows no constraint of: "an unknown value". */
const UNKNOWN_VALUE: InstanceCheck = () => false;

/**
 * The validator of a DTO class, compiled from class-validator's metadata on first use and kept
 * for the life of the class: no metadata scan, no error objects, no per-call allocation but the
 * instance's key list. Synchronous, no I/O.
 *
 * Why not a library: a JSON Schema → Ajv route would re-express each constraint (email, UUID,
 * ISO 8601, surrogate-pair lengths) in another engine whose verdicts and messages differ at the
 * edges, and the doors promise the answers class-validator gives. So the check calls
 * class-validator's own constraint functions, bound once, and only decides; a refusal is
 * explained by class-validator itself (see `validatePayload`), which keeps every error
 * byte-identical without a second implementation of its error tree to keep in step.
 */
export function compileValidator(dto: DtoClass): CompiledValidator {
  let known = compiled.get(dto);
  if (known === undefined) {
    known = compile(dto);
    compiled.set(dto, known);
  }
  return known;
}

function compile(dto: DtoClass): CompiledValidator {
  const storage = getMetadataStorage();
  // The same query class-validator's executor makes for every object it validates.
  const metas = storage.getTargetValidationMetadatas(dto, '', false, false);
  if (metas.length === 0) return { constrained: false, check: UNKNOWN_VALUE };
  // class-validator's own grouping, read the way its whitelist reads it: a key is allowed when
  // `grouped[key]` is a non-empty list — which, as it is a plain object, also lets through the
  // keys of Object.prototype whose function takes arguments (`hasOwnProperty`, `isPrototypeOf`…).
  // The same expression gives the same answer.
  const grouped = storage.groupByPropertyName(metas) as Record<string, { length: number } | undefined>;
  const fields: FieldCheck[] = [];
  for (const property of Object.keys(grouped)) {
    const field = fieldCheck(property, grouped[property] as ValidationMetadata[]);
    if (field === null) return { constrained: true, check: null };
    if (field !== undefined) fields.push(field);
  }
  const check = (instance: object): boolean => {
    const keys = Object.keys(instance);
    for (let i = 0; i < keys.length; i++) {
      const group = grouped[keys[i]!];
      if (!group || group.length === 0) return false;
    }
    for (let i = 0; i < fields.length; i++) if (!fields[i]!(instance as Record<string, unknown>)) return false;
    return true;
  };
  return { constrained: true, check };
}

/**
 * The check of one property, as the executor's `performValidations` runs it: its conditions
 * (`@ValidateIf`, `@IsOptional`, `@Optional`, `@Nullable`) — all of them called, any falsy one
 * skips the rest — then its constraints, then its nested DTOs. `undefined` when there is nothing
 * to check (`@Allow`); `null` when a metadata is of a kind the compiler does not know
 * (`@IsDefined`, `@ValidatePromise`, a user-defined constraint).
 */
function fieldCheck(property: string, metas: readonly ValidationMetadata[]): FieldCheck | null | undefined {
  const conditions: Condition[] = [];
  const constraints: PropertyCheck[] = [];
  let nested = false;
  for (const meta of metas) {
    if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      const condition = meta.constraints?.[0] as unknown;
      if (typeof condition !== 'function') return null;
      conditions.push(condition as Condition);
    } else if (meta.type === ValidationTypes.CUSTOM_VALIDATION) {
      const check = constraintCheck(meta);
      if (check === null) return null;
      constraints.push(check);
    } else if (meta.type === ValidationTypes.NESTED_VALIDATION) {
      nested = true;
    } else if (meta.type !== ValidationTypes.WHITELIST) {
      return null;
    }
  }
  if (conditions.length === 0 && constraints.length === 0 && !nested) return undefined;
  return (object) => {
    const value = object[property];
    if (conditions.length > 0 && !allHold(conditions, object, value)) return true;
    for (let i = 0; i < constraints.length; i++) if (!constraints[i]!(value, object)) return false;
    return !nested || value === undefined || nestedPasses(value);
  };
}

function allHold(conditions: readonly Condition[], object: object, value: unknown): boolean {
  let holds = true;
  for (let i = 0; i < conditions.length; i++) if (!conditions[i]!(object, value)) holds = false;
  return holds;
}

/**
 * A nested value as `nestedValidations` sees it: a list is read item by item (lists of lists
 * too), an object is validated against its own class (whatever that is: a plain object, not
 * turned into its DTO, has none and is "an unknown value"), anything else is refused. A `Set` or
 * `Map`, which class-validator also reads item by item, is left to it.
 */
function nestedPasses(value: unknown): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!nestedPasses(value[i])) return false;
    return true;
  }
  if (value instanceof Set || value instanceof Map || !(value instanceof Object)) return false;
  const type = (value as { constructor?: unknown }).constructor;
  if (typeof type !== 'function') return false;
  const { check } = compileValidator(type as DtoClass);
  return check !== null && check(value);
}
