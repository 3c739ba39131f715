/** The values `NODE_ENV` may take; any other is refused rather than guessed at. */
export const NODE_ENVIRONMENTS = ['production', 'development', 'test'] as const;

/** One of {@link NODE_ENVIRONMENTS}. */
export type NodeEnvironment = (typeof NODE_ENVIRONMENTS)[number];

/** A `NODE_ENV` that is none of {@link NODE_ENVIRONMENTS}: the process refuses to start with this message. */
export class NodeEnvironmentError extends Error {
  override readonly name = 'NodeEnvironmentError';
  /** The variable at fault, always `NODE_ENV`. */
  readonly variable = 'NODE_ENV';
}

/**
 * `NODE_ENV`, read the one way every Seam process reads it: exactly `production`, `development`
 * or `test`; unset or empty counts as `development`. Synchronous, no side effect.
 *
 * Defined in the lowest `@seam` library that reads `NODE_ENV` (for the database config), so that
 * `@seam/persistence` and everything above it — `@seam/runtime` re-exports it — share one reading.
 *
 * @throws NodeEnvironmentError for any other value (`Production`, ` production`, `prod`,
 * `staging`): read one way by one check and another way by the next, such a value made a process
 * half production (a secret required) and half development (unauthenticated transport allowed,
 * `/metrics` on the public port). The message quotes at most 20 characters of the value.
 */
export function nodeEnvironment(env: NodeJS.ProcessEnv = process.env): NodeEnvironment {
  const raw = env.NODE_ENV;
  if (raw === undefined || raw === '') return 'development';
  if ((NODE_ENVIRONMENTS as readonly string[]).includes(raw)) return raw as NodeEnvironment;
  throw new NodeEnvironmentError(
    `NODE_ENV must be exactly one of ${NODE_ENVIRONMENTS.join(', ')} (lower case, no spaces) or unset; got ${JSON.stringify(raw.slice(0, 20))}`,
  );
}

/**
 * Whether `NODE_ENV=production` (see {@link nodeEnvironment}): production refusals and defaults
 * apply.
 *
 * @throws NodeEnvironmentError for a `NODE_ENV` outside {@link NODE_ENVIRONMENTS}.
 */
export function isProduction(env: NodeJS.ProcessEnv = process.env): boolean {
  return nodeEnvironment(env) === 'production';
}
