const ON = new Set(['on', '1', 'true']);
const OFF = new Set(['off', '0', 'false']);

/**
 * An on/off environment variable: `on`, `1` or `true` and `off`, `0` or `false`
 * (case-insensitive, trimmed); `fallback` when it is unset or blank.
 *
 * @throws the error `refusal` makes of the message, for any other value (the message quotes at
 * most 20 characters of it, JSON-escaped: it is written to a log line).
 */
export function onOffFlag(
  env: NodeJS.ProcessEnv,
  variable: string,
  fallback: boolean,
  refusal: (message: string) => Error,
): boolean {
  const raw = env[variable];
  const value = raw?.trim().toLowerCase();
  if (!value) return fallback;
  if (ON.has(value)) return true;
  if (OFF.has(value)) return false;
  throw refusal(`${variable} must be on or off (1 or 0, true or false); got ${JSON.stringify(raw!.slice(0, 20))}`);
}
