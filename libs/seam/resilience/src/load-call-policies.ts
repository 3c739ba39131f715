import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type CallPoliciesConfig,
  CallPoliciesError,
  DEFAULT_CALL_POLICY,
  parseCallPolicies,
} from './call-policies.config.js';

/** The file read when `SEAM_CALL_POLICIES_FILE` is not set (relative to the working directory). */
export const DEFAULT_CALL_POLICIES_FILE = 'call-policies.json';

/**
 * The process's call policies: `SEAM_CALL_POLICIES_FILE` if set (it must exist), else
 * `call-policies.json` in the working directory if there is one, else the defaults.
 *
 * @throws CallPoliciesError for a file that is missing (when named), unreadable, not JSON, or invalid.
 */
export function loadCallPolicies(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): { config: CallPoliciesConfig; source: string } {
  const named = env.SEAM_CALL_POLICIES_FILE?.trim();
  const path = resolve(cwd, named || DEFAULT_CALL_POLICIES_FILE);
  if (!named && !existsSync(path)) return { config: { default: DEFAULT_CALL_POLICY, modules: {} }, source: 'defaults' };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CallPoliciesError(
      path,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CallPoliciesError(path, `is not JSON (${(error as Error).message})`);
  }
  return { config: parseCallPolicies(value, path), source: path };
}
