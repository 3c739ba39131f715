import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { defineModuleData } from '@seam/persistence';
import { TopologyError } from '@seam/runtime';
import type { LocalModule } from '../modules.js';
import { planMonolith } from './monolith-topology.js';
import { deriveMeshKeys, EnvelopeAuth } from '@seam/transport';

const carried = (...names: string[]): LocalModule[] =>
  names.map((name) => ({
    name,
    module: class {},
    data: defineModuleData({ module: name, entities: [], migrations: [] }),
  }));

/** A topology file with `modules`, where `mixed` extracts payments. */
function topologyFile(modules: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'seam-topology-')), 'topologies.json');
  const placements = Object.fromEntries(
    modules.map((name) => [name, name === 'payments' ? { service: 'tcp://127.0.0.1:4104' } : 'monolith']),
  );
  writeFileSync(
    file,
    JSON.stringify({
      modules,
      topologies: { mixed: { monolith: { address: 'tcp://127.0.0.1:4100' }, modules: placements } },
    }),
  );
  return file;
}

const meshKeys = JSON.stringify(
  deriveMeshKeys({
    master: Buffer.alloc(32, 1),
    keyIds: ['k1'],
    self: ['catalog', 'edge'],
    identities: ['catalog', 'edge', 'payments'],
  }),
);

describe('planMonolith', () => {
  it('hosts the modules the topology places in the monolith, and reaches the rest at their addresses', () => {
    const plan = planMonolith(
      { SEAM_TOPOLOGY: 'mixed', SEAM_TOPOLOGY_FILE: topologyFile(['catalog', 'payments']), SEAM_MESH_KEYS: meshKeys },
      carried('catalog', 'payments'),
    );
    expect(plan.modules.map(({ name }) => name)).toEqual(['catalog']);
    expect(plan.transport).toEqual({
      hosted: ['catalog'],
      endpoints: {
        catalog: { transport: 'tcp', host: '127.0.0.1', port: 4100 },
        payments: { transport: 'tcp', host: '127.0.0.1', port: 4104 },
      },
      auth: expect.any(EnvelopeAuth),
    });
  });

  it('refuses to talk to other processes without mesh keys, naming the variable and the opt-out', () => {
    expect(() =>
      planMonolith(
        { SEAM_TOPOLOGY: 'mixed', SEAM_TOPOLOGY_FILE: topologyFile(['catalog', 'payments']) },
        carried('catalog', 'payments'),
      ),
    ).toThrow(/SEAM_MESH_KEYS: .*no mesh keys.*SEAM_INSECURE_TRANSPORT=1/);
  });

  it("refuses a service's keys: the monolith would report itself ready and fail every call", () => {
    const paymentsKeys = JSON.stringify(
      deriveMeshKeys({
        master: Buffer.alloc(32, 1),
        keyIds: ['k1'],
        self: ['payments'],
        identities: ['catalog', 'edge', 'payments', 'orders'],
      }),
    );
    expect(() =>
      planMonolith(
        {
          SEAM_TOPOLOGY: 'mixed',
          SEAM_TOPOLOGY_FILE: topologyFile(['catalog', 'payments']),
          SEAM_MESH_KEYS: paymentsKeys,
        },
        carried('catalog', 'payments'),
      ),
    ).toThrow(/^SEAM_MESH_KEYS: holds the keys of 1 pair this process is not part of \(orders~payments\)/);
  });

  it('binds its own servers on SEAM_LISTEN_HOST, leaving the addresses others dial alone', () => {
    const plan = planMonolith(
      {
        SEAM_TOPOLOGY: 'mixed',
        SEAM_TOPOLOGY_FILE: topologyFile(['catalog', 'payments']),
        SEAM_LISTEN_HOST: '0.0.0.0',
        SEAM_MESH_KEYS: meshKeys,
      },
      carried('catalog', 'payments'),
    );
    expect(plan.transport.endpoints).toEqual({
      catalog: { transport: 'tcp', host: '0.0.0.0', port: 4100 },
      payments: { transport: 'tcp', host: '127.0.0.1', port: 4104 },
    });
  });

  it('refuses a topology file whose module list is not the one this binary carries, both ways', () => {
    const env = { SEAM_TOPOLOGY: 'mixed', SEAM_TOPOLOGY_FILE: topologyFile(['catalog', 'payments', 'shipping']) };
    expect(() => planMonolith(env, carried('catalog', 'payments', 'orders'))).toThrow(
      'The topology file and this binary disagree on the modules: the file lists shipping, which this binary does not carry; this binary carries orders, which the file does not list',
    );
  });

  it('passes on the topology errors, naming the file', () => {
    expect(() =>
      planMonolith({ SEAM_TOPOLOGY: 'nope', SEAM_TOPOLOGY_FILE: topologyFile(['catalog']) }, carried('catalog')),
    ).toThrow(TopologyError);
    expect(() => planMonolith({ SEAM_TOPOLOGY_FILE: '/nonexistent/topologies.json' }, carried('catalog'))).toThrow(
      'Invalid topology (/nonexistent/topologies.json):\n  - cannot read the topology file: ENOENT (set SEAM_TOPOLOGY_FILE to its path)',
    );
  });

  it('agrees with the shipped topologies.json: by default every module the monolith carries runs in it', async () => {
    const { LOCAL_MODULES } = await import('../modules.js');
    expect(planMonolith({}, LOCAL_MODULES).modules).toEqual(LOCAL_MODULES);
  });
});
