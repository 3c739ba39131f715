// Each compose process is handed every secret its process reads — the keys `deploy:k8s` puts in
// its Kubernetes Secret (`secretKeysOf`) — so that no process falls back to a key of its own.
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { clusterPlan } from '../../tools/deploy/cluster-plan.js';
import { secretKeysOf } from '../../tools/deploy/deployable-secrets.js';
import { type ComposeFile, composeVariants } from './support/compose-files.js';
import { repositoryFile, shippedTopology } from './support/shipped.js';

/** Compose's `${VAR:?message}`: required, so compose refuses to start while it is unset or empty. */
const required = (key: string) => new RegExp(`^\\$\\{${key}:\\?[^}]+\\}$`);

/**
 * How a compose process gets a secret: by the same variable, required; the mesh keys and the
 * Redis password by a mounted file (`<KEY>_FILE`); a module's database URL by the one shared
 * `DATABASE_URL` (compose runs one database role, docs/deploy.md).
 */
function given(key: string, environment: Record<string, string>): boolean {
  if (key === 'SEAM_MESH_KEYS' || key === 'SEAM_REDIS_PASSWORD') return !!environment[`${key}_FILE`];
  if (key === 'SEAM_REDIS_USERNAME') return !!environment[key];
  if (key.startsWith('DATABASE_URL_')) return /\$\{POSTGRES_PASSWORD:\?/.test(environment.DATABASE_URL ?? '');
  return required(key).test(environment[key] ?? '');
}

const variants: Array<[string, string, ComposeFile]> = [
  ...composeVariants(),
  [
    'compose.monolith-replicas.yaml',
    'monolith',
    parse(repositoryFile('deploy/compose.monolith-replicas.yaml'), { merge: true }) as ComposeFile,
  ],
];

describe('compose secrets', () => {
  it.each(variants)(
    '%s hands each process every secret it reads, required (topology %s)',
    (_files, topology, compose) => {
      const plan = clusterPlan(shippedTopology(topology));
      const processes = Object.entries(compose.services).filter(([, service]) => service.environment?.SEAM_APP);
      expect(processes.map(([name]) => name).toSorted()).toEqual(plan.deployables.map(({ name }) => name).toSorted());
      for (const [name, service] of processes) {
        const deployable = plan.deployables.find((candidate) => candidate.name === name)!;
        const missing = secretKeysOf(deployable, plan)
          .filter(({ optional }) => !optional)
          .filter(({ key }) => !given(key, service.environment!))
          .map(({ key }) => key);
        expect({ process: name, missing }).toEqual({ process: name, missing: [] });
      }
    },
  );

  it('gives the copies of payments one card fingerprint key, so that they recognise the same card', () => {
    const [, , splitRedis] = variants.find(([, topology]) => topology === 'split-redis')!;
    expect(splitRedis.services.payments!.deploy?.replicas).toBeGreaterThan(1);
    expect(splitRedis.services.payments!.environment!.PAYMENTS_CARD_FINGERPRINT_KEY).toMatch(
      required('PAYMENTS_CARD_FINGERPRINT_KEY'),
    );
  });
});
