import { describe, expect, it } from '@jest/globals';
import { NodeEnvironmentError } from '@seam/persistence';
import { deriveMeshKeys, EnvelopeAuth, type SeamTransportOptions } from '@seam/transport';
import { meshAuthFromEnv } from './mesh-auth-from-env.js';
import { TransportSecurityConfigError } from './tls-from-env.js';

const keys = JSON.stringify(
  deriveMeshKeys({ master: Buffer.alloc(32, 3), keyIds: ['k1'], self: ['orders'], identities: ['orders', 'payments'] }),
);
const split: Pick<SeamTransportOptions, 'endpoints'> = {
  endpoints: { payments: { transport: 'tcp' as const, host: '127.0.0.1', port: 4104 } },
};
const embedded: Pick<SeamTransportOptions, 'endpoints'> = { endpoints: {} };

function run(
  env: NodeJS.ProcessEnv,
  transport: Parameters<typeof meshAuthFromEnv>[1] = split,
  read?: (path: string) => string,
) {
  const warnings: string[] = [];
  const result = meshAuthFromEnv(env, transport, { warn: (line: string) => warnings.push(line) }, read);
  return { result, warnings };
}

function refusal(env: NodeJS.ProcessEnv, read?: (path: string) => string): TransportSecurityConfigError {
  try {
    run(env, split, read);
  } catch (error) {
    if (error instanceof TransportSecurityConfigError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('meshAuthFromEnv', () => {
  it('needs nothing for a process that talks to no other', () => {
    expect(run({}, embedded)).toEqual({ result: {}, warnings: [] });
  });

  it('authenticates with the keys given inline or in a file', () => {
    expect(run({ SEAM_MESH_KEYS: keys }).result.auth).toBeInstanceOf(EnvelopeAuth);
    expect(run({ SEAM_MESH_KEYS_FILE: '/run/secrets/mesh' }, split, () => keys).result.auth).toBeInstanceOf(
      EnvelopeAuth,
    );
  });

  it('refuses to start a split process without keys, naming the variables and the opt-out', () => {
    expect(refusal({}).message).toMatch(/^SEAM_MESH_KEYS: .*SEAM_MESH_KEYS_FILE.*SEAM_INSECURE_TRANSPORT=1/);
    expect(refusal({ SEAM_INSECURE_TRANSPORT: 'yes' }).variable).toBe('SEAM_MESH_KEYS');
  });

  it('runs without authentication only with SEAM_INSECURE_TRANSPORT=1, warning loudly, and never in production', () => {
    const { result, warnings } = run({ SEAM_INSECURE_TRANSPORT: '1' });
    expect(result).toEqual({});
    expect(warnings).toEqual([expect.stringMatching(/NOT authenticated.*Development only/)]);
    expect(refusal({ SEAM_INSECURE_TRANSPORT: '1', NODE_ENV: 'production' }).variable).toBe('SEAM_INSECURE_TRANSPORT');
  });

  it('does not read a near miss of NODE_ENV=production as development: it refuses it', () => {
    for (const NODE_ENV of ['Production', ' PRODUCTION '])
      expect(() => run({ SEAM_INSECURE_TRANSPORT: '1', NODE_ENV })).toThrow(NodeEnvironmentError);
  });

  it("refuses another process's keys, naming the pairs it has no part in and never a key", () => {
    const ordersKeys = JSON.stringify(
      deriveMeshKeys({
        master: Buffer.alloc(32, 3),
        keyIds: ['k1'],
        self: ['orders'],
        identities: ['identity', 'catalog', 'orders', 'payments'],
      }),
    );
    const asPayments = { ...split, speaksAs: ['payments'] };
    const refused = () => run({ SEAM_MESH_KEYS_FILE: '/run/secrets/mesh' }, asPayments, () => ordersKeys);
    expect(refused).toThrow(TransportSecurityConfigError);
    expect(refused).toThrow(
      /^SEAM_MESH_KEYS_FILE: holds the keys of 2 pairs this process is not part of \(catalog~orders, identity~orders\): they are another process's keys; this one speaks as payments/,
    );
    const secret = Object.values(JSON.parse(ordersKeys).keys.k1 as Record<string, string>)[0]!;
    expect(refused).not.toThrow(secret);
    expect(run({ SEAM_MESH_KEYS: ordersKeys }, { ...split, speaksAs: ['orders'] }).result.auth).toBeInstanceOf(
      EnvelopeAuth,
    );
  });

  it('refuses both variables at once, an unreadable file, and a bad document without quoting it', () => {
    expect(refusal({ SEAM_MESH_KEYS: keys, SEAM_MESH_KEYS_FILE: '/x' }).message).toMatch(/not both/);
    const missing = refusal({ SEAM_MESH_KEYS_FILE: '/nope' }, () => {
      throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    });
    expect(missing.message).toMatch(/^SEAM_MESH_KEYS_FILE: cannot read \/nope: ENOENT/);
    const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA';
    const bad = refusal({ SEAM_MESH_KEYS: `{"current":"k1","keys":{"k1":{"orders":"${secret}"}}}` });
    expect(bad.message).toMatch(/not a pair/);
    expect(bad.message).not.toContain(secret);
    expect(refusal({ SEAM_MESH_KEYS: `{"current": "${secret}` }).message).not.toContain(secret);
  });
});
