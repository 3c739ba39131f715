/**
 * A number the benchmark reads from the environment: `fallback` when unset; anything but a finite
 * number above 0 (a whole one when `whole`) is refused with an error naming the variable, so that a
 * typo stops the run at once rather than measuring nothing (a NaN round count runs no round).
 */
export function benchSetting(
  name: string,
  raw: string | undefined,
  fallback: number,
  { what, whole = false }: { what: string; whole?: boolean },
): number {
  const value = Number(raw ?? fallback);
  if (!(value > 0 && Number.isFinite(value) && (!whole || Number.isInteger(value))))
    throw new Error(`${name}: ${what}, ${whole ? 'a whole number ' : ''}above 0 (default ${fallback}), not "${raw}"`);
  return value;
}
