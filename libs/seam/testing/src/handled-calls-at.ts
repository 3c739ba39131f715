const SAMPLE = /^seam_calls_handled_total\{pattern="([^"]*)"\} (\d+)$/gm;

/**
 * The requests each pattern's handler took in the process serving `/metrics` at `url` (its
 * `seam_calls_handled_total` counter), read now. Absent patterns were never handled there.
 *
 * @throws Error when the process does not answer `/metrics` with 200.
 */
export async function handledCallsAt(url: string): Promise<Map<string, number>> {
  const response = await fetch(`${url}/metrics`);
  if (response.status !== 200) throw new Error(`GET ${url}/metrics answered ${response.status}`);
  const text = await response.text();
  return new Map([...text.matchAll(SAMPLE)].map(([, pattern, handled]) => [pattern!, Number(handled)]));
}
