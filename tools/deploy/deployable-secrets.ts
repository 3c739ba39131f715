import type { ClusterPlan, Deployable } from './cluster-plan.js';
import { redisUsernameOf } from './redis-users.js';

/** One key a process reads from its Secret, through `secretKeyRef`. */
export interface SecretKey {
  readonly key: string;
  /** Why this process needs it, for docs/deploy.md and the printed `kubectl` commands. */
  readonly why: string;
  /** A pod starts without it (Kubernetes' `optional: true`). */
  readonly optional: boolean;
}

/** `DATABASE_URL_<MODULE>`, as `@seam/persistence` reads it: the module's schema name, upper case. */
export const moduleUrlVariable = (module: string) => `DATABASE_URL_${module.replace(/-/g, '_').toUpperCase()}`;

/** The Secret a deployable reads its secrets from: the operator creates it (see docs/deploy.md). */
export const secretNameOf = (deployable: Pick<Deployable, 'name'>) => `seam-${deployable.name}-secrets`;

/**
 * The secrets one process of the plan reads, and only those — so that a pod holds nothing another
 * process would need (payments never sees the token-signing key):
 *
 * - `DATABASE_URL_<MODULE>` for each module it hosts: that module's own PostgreSQL role, owner of
 *   its schema only (`@seam/persistence`); no process holds a URL that opens another's schema;
 * - `JWT_SECRET` and, optional, `JWT_PREVIOUS_SECRET`: the process that hosts identity, which
 *   signs and verifies tokens (the edge asks identity to verify a bearer token; it never reads one);
 * - `PAYMENTS_CARD_FINGERPRINT_KEY`: the process that hosts payments;
 * - `SEAM_ADMIN_PASSWORD`: the monolith, whose seeder creates the first admin;
 * - `SEAM_THROTTLE_REDIS_URL` and `SEAM_TRUST_PROXY`, both optional: the monolith, the edge, whose
 *   copies share rate-limit counters only through Redis and see each client's address only by
 *   trusting the ingress in front of them (docs/security.md, "Edge throttling");
 * - `SEAM_MESH_KEYS`: every process of a plan with more than one, which authenticate the envelopes
 *   they send each other with it (each its own keys, as `npm run mesh:keys` derives them);
 * - `SEAM_REDIS_USERNAME` and `SEAM_REDIS_PASSWORD`: every process of a plan whose modules talk
 *   through Redis, each its own Redis ACL user (`redisUsersOf`), which lets Redis vouch for its
 *   calls (ACL identities, the default with a user).
 */
export function secretKeysOf(deployable: Deployable, plan: Pick<ClusterPlan, 'deployables' | 'redis'>): SecretKey[] {
  const hosts = new Set(deployable.hosts);
  const keys: SecretKey[] = [];
  const add = (key: string, why: string, optional = false) => keys.push({ key, why, optional });
  for (const module of hosts) add(moduleUrlVariable(module), `${module}'s own database role`);
  if (hosts.has('identity')) {
    add('JWT_SECRET', 'identity signs and verifies access tokens with it');
    add('JWT_PREVIOUS_SECRET', 'the key being rotated out (only during a rotation)', true);
  }
  if (hosts.has('payments'))
    add('PAYMENTS_CARD_FINGERPRINT_KEY', 'payments keys its card fingerprints with it (the same on every replica)');
  if (deployable.module === undefined) {
    add('SEAM_ADMIN_PASSWORD', 'the seeder creates the first admin with it');
    // The edge runs copies behind an ingress, and its rate limits count per client address: in
    // memory each copy counts alone, and without trusting the ingress every client is the ingress.
    // Both depend on the cluster, which the generator does not know; the URL may hold a password.
    add('SEAM_THROTTLE_REDIS_URL', 'the Redis its copies share rate-limit counters in', true);
    add('SEAM_TRUST_PROXY', 'the proxies (ingress) whose X-Forwarded-For names the client', true);
  }
  if (plan.deployables.length > 1) add('SEAM_MESH_KEYS', 'authenticates the envelopes between processes');
  if (plan.redis) {
    add('SEAM_REDIS_USERNAME', 'its own Redis ACL user, which vouches for its calls');
    add('SEAM_REDIS_PASSWORD', "that user's password");
  }
  return keys;
}

/**
 * The `kubectl create secret` command that makes one deployable's Secret, with a placeholder or a
 * generator for each value (never a real one). Printed by `deploy:k8s --print-secrets`.
 */
export function createSecretCommand(deployable: Deployable, plan: ClusterPlan, namespace?: string): string {
  const placeholder: Record<string, string> = {
    ...Object.fromEntries(
      deployable.hosts.map((module) => [
        moduleUrlVariable(module),
        `'postgres://seam_${module.replace(/-/g, '_')}:…@postgres.db:5432/seam'`,
      ]),
    ),
    JWT_SECRET: '"$JWT_SECRET"',
    JWT_PREVIOUS_SECRET: '"$JWT_PREVIOUS_SECRET"',
    PAYMENTS_CARD_FINGERPRINT_KEY: '"$(openssl rand -base64 32)"',
    SEAM_ADMIN_PASSWORD: '"$(openssl rand -hex 16)"',
    SEAM_REDIS_USERNAME: redisUsernameOf(deployable.name),
  };
  const lines = [
    `kubectl${namespace ? ` -n ${namespace}` : ''} create secret generic ${secretNameOf(deployable)}`,
    ...secretKeysOf(deployable, plan)
      .filter((secret) => !secret.optional)
      .map((secret) =>
        // The mesh keys are a JSON document: read from the file that holds this process's keys.
        secret.key === 'SEAM_MESH_KEYS'
          ? `--from-file=SEAM_MESH_KEYS=${deployable.name}.mesh-keys.json`
          : // The file the Redis user is created from too (redisAclCommands).
            secret.key === 'SEAM_REDIS_PASSWORD'
            ? `--from-file=SEAM_REDIS_PASSWORD=${deployable.name}.redis-password`
            : `--from-literal=${secret.key}=${placeholder[secret.key] ?? '…'}`,
      ),
  ];
  return lines.join(' \\\n  ');
}
