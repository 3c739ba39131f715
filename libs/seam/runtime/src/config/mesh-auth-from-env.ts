import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { isProduction } from '@seam/persistence';
import {
  EnvelopeAuth,
  MeshKeys,
  type MeshKeysDocument,
  MeshKeysError,
  type SeamTransportOptions,
} from '@seam/transport';
import { TransportSecurityConfigError } from './tls-from-env.js';

/** The variable that lets a split topology run with unauthenticated envelopes (development only). */
export const INSECURE_TRANSPORT_FLAG = 'SEAM_INSECURE_TRANSPORT';

/**
 * The envelope authentication of this process from its environment:
 * - `SEAM_MESH_KEYS` (the JSON document) or `SEAM_MESH_KEYS_FILE` (its path): the pair keys of the
 *   modules this process speaks as, as `npm run mesh:keys` derives them;
 * - neither, and the process talks to no other process (every module in process): nothing is
 *   needed — the embedded monolith runs as it is;
 * - neither, and the process has TCP or Redis endpoints: it refuses to start, unless
 *   `SEAM_INSECURE_TRANSPORT=1` (refused in production), in which case it logs a loud warning
 *   and believes the caller every envelope names.
 *
 * Given `speaksAs` (the identities of this process, `meshSelf`), keys that hold a pair none of them
 * belongs to are refused: `npm run mesh:keys` gives a process its own pairs only, so those are
 * another process's keys, with which every call would fail at run time while the process reports
 * itself ready.
 *
 * @throws TransportSecurityConfigError naming the variable, never a key.
 * @throws NodeEnvironmentError when it has to ask whether this is production and `NODE_ENV` is
 * none of production, development or test.
 */
export function meshAuthFromEnv(
  env: NodeJS.ProcessEnv,
  transport: Pick<SeamTransportOptions, 'endpoints'> & { readonly speaksAs?: readonly string[] },
  logger: Pick<Logger, 'warn'> = new Logger('SeamAuth'),
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Pick<SeamTransportOptions, 'auth'> {
  const inline = env.SEAM_MESH_KEYS?.trim();
  const file = env.SEAM_MESH_KEYS_FILE?.trim();
  if (inline && file)
    throw new TransportSecurityConfigError('SEAM_MESH_KEYS', 'set either it or SEAM_MESH_KEYS_FILE, not both');
  if (inline) return { auth: new EnvelopeAuth({ keys: parse('SEAM_MESH_KEYS', inline, transport.speaksAs) }) };
  if (file) {
    let text: string;
    try {
      text = read(file);
    } catch (error) {
      throw new TransportSecurityConfigError(
        'SEAM_MESH_KEYS_FILE',
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    return { auth: new EnvelopeAuth({ keys: parse('SEAM_MESH_KEYS_FILE', text, transport.speaksAs) }) };
  }
  const remote = Object.values(transport.endpoints ?? {}).some((endpoint) => endpoint.transport !== 'in-process');
  if (!remote) return {};
  const flag = env[INSECURE_TRANSPORT_FLAG]?.trim();
  if (flag !== '1') {
    throw new TransportSecurityConfigError(
      'SEAM_MESH_KEYS',
      `this process talks to others over TCP or Redis and has no mesh keys: set SEAM_MESH_KEYS or SEAM_MESH_KEYS_FILE (npm run mesh:keys), or ${INSECURE_TRANSPORT_FLAG}=1 for development without authentication`,
    );
  }
  if (isProduction(env))
    throw new TransportSecurityConfigError(
      INSECURE_TRANSPORT_FLAG,
      'is refused in production: give this process its mesh keys',
    );
  logger.warn(
    `*** ${INSECURE_TRANSPORT_FLAG}=1: envelopes between processes are NOT authenticated. Anyone who reaches this process's ports or its Redis can call any entry as any module. Development only. ***`,
  );
  return {};
}

function parse(variable: string, text: string, speaksAs: readonly string[] | undefined): MeshKeys {
  let keys: MeshKeys;
  try {
    keys = MeshKeys.parse(text, variable);
  } catch (error) {
    if (error instanceof MeshKeysError) throw new TransportSecurityConfigError(variable, error.message);
    throw error;
  }
  const foreign = speaksAs ? foreignPairs(text, speaksAs) : [];
  if (foreign.length > 0)
    throw new TransportSecurityConfigError(
      variable,
      `holds the keys of ${foreign.length} pair${foreign.length === 1 ? '' : 's'} this process is not part of ` +
        `(${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}): they are another process's keys; ` +
        `this one speaks as ${speaksAs!.join(', ')} (npm run mesh:keys -- --process <its module, or monolith>)`,
    );
  return keys;
}

/** The pairs of a valid document (every key id) that none of `speaksAs` belongs to, sorted. Names only, never a key. */
function foreignPairs(text: string, speaksAs: readonly string[]): string[] {
  const { keys } = JSON.parse(text) as MeshKeysDocument;
  const pairs = new Set(Object.values(keys).flatMap((byPair) => Object.keys(byPair)));
  return [...pairs].filter((pair) => !pair.split('~').some((name) => speaksAs.includes(name))).toSorted();
}
