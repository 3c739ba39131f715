/** The environment variable that overrides a module's address: `SEAM_PAYMENTS_ADDRESS`. */
export const overrideName = (module: string) => `SEAM_${module.toUpperCase().replaceAll('-', '_')}_ADDRESS`;

/** The variable that overrides where the monolith serves the modules it hosts. */
export const MONOLITH_OVERRIDE = 'SEAM_MONOLITH_ADDRESS';

const ADDRESS_VARIABLE = /^SEAM_\w+_ADDRESS$/;

/**
 * The address `variable` gives, trimmed; `undefined` when it is unset, empty or blank — a blank
 * value counts as unset, as for every other Seam variable (a stray space in a manifest must not
 * hide the topology file's address).
 */
export function addressFrom(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  return env[variable]?.trim() || undefined;
}

/**
 * One problem per `SEAM_<NAME>_ADDRESS` variable that names no module of the system: a misspelt
 * override (`SEAM_PAYMENT_ADDRESS`) would otherwise leave the module on the file's address — on a
 * real network, usually the loopback address written for one machine — without a word.
 * A variable set to the empty string or blanks counts as unset, as for every other Seam variable.
 */
export function strayOverrides(modules: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const known = new Set([...modules.map(overrideName), MONOLITH_OVERRIDE]);
  return Object.keys(env)
    .filter((variable) => ADDRESS_VARIABLE.test(variable) && !known.has(variable) && addressFrom(env, variable))
    .toSorted()
    .map(
      (variable) =>
        `${variable} is set, but names no module of this system: the address variables are ${[...known].join(', ')}`,
    );
}
