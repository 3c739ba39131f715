import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parseTopology } from './parse-topology.js';
import { describeTopology, transportOptionsFor } from './process-options.js';
import { TopologyError } from './topology.js';

const MODULES = ['identity', 'catalog', 'payments'];
const file = (topologies: Record<string, unknown>, modules: unknown = MODULES) => ({ modules, topologies });
const mixed = {
  monolith: { address: 'tcp://127.0.0.1:4100' },
  modules: { identity: 'monolith', catalog: 'monolith', payments: { service: 'tcp://127.0.0.1:4104', httpPort: 9104 } },
};

/** The problems a topology is refused with. */
function problems(document: unknown, name = 't', env: NodeJS.ProcessEnv = {}): readonly string[] {
  let refusal: unknown;
  try {
    parseTopology(document, name, env, 'test.json');
  } catch (error) {
    refusal = error;
  }
  if (!(refusal instanceof TopologyError))
    throw new Error(`expected a TopologyError, got ${String(refusal ?? 'an accepted topology')}`);
  return refusal.problems;
}

describe('parseTopology', () => {
  it('places each module in the monolith or in its own service', () => {
    const topology = parseTopology(file({ mixed }), 'mixed', {}, 'test.json');
    expect(topology.monolith).toEqual({
      modules: ['identity', 'catalog'],
      address: { transport: 'tcp', host: '127.0.0.1', port: 4100 },
    });
    expect(topology.services).toEqual([
      { module: 'payments', address: { transport: 'tcp', host: '127.0.0.1', port: 4104 }, replicas: 1, httpPort: 9104 },
    ]);
  });

  it('takes SEAM_<MODULE>_ADDRESS and SEAM_MONOLITH_ADDRESS over the file', () => {
    const topology = parseTopology(
      file({ mixed }),
      'mixed',
      { SEAM_PAYMENTS_ADDRESS: 'tcp://payments:4000', SEAM_MONOLITH_ADDRESS: 'tcp://edge:4000' },
      'test.json',
    );
    expect(topology.services[0]!.address).toEqual({ transport: 'tcp', host: 'payments', port: 4000 });
    expect(topology.monolith.address).toEqual({ transport: 'tcp', host: 'edge', port: 4000 });
  });

  it.each(['', ' ', '\t '])('counts an address variable set to %j as unset: the file’s addresses stand', (blank) => {
    const topology = parseTopology(
      file({ mixed }),
      'mixed',
      {
        SEAM_PAYMENTS_ADDRESS: blank,
        SEAM_MONOLITH_ADDRESS: blank,
        SEAM_IDENTITY_ADDRESS: blank,
        SEAM_NOPE_ADDRESS: blank,
      },
      'test.json',
    );
    expect(topology.services[0]!.address).toEqual({ transport: 'tcp', host: '127.0.0.1', port: 4104 });
    expect(topology.monolith.address).toEqual({ transport: 'tcp', host: '127.0.0.1', port: 4100 });
  });

  it('names the topologies a file has when asked for another', () => {
    expect(problems(file({ mixed }), 'split')).toEqual(['unknown topology "split": this file has "mixed"']);
  });

  it.each(['Payments Split (v2)', 'split_tcp', '-split', `t${'x'.repeat(63)}`])(
    'refuses the topology name %j, which cannot label its Kubernetes objects',
    (name) => {
      expect(problems(file({ [name]: mixed }), name)).toEqual([
        expect.stringMatching(new RegExp(`^topology name ".+" must be kebab-case .* at most 63 characters`)),
      ]);
    },
  );

  it('refuses an unknown module and a module placed nowhere', () => {
    const found = problems(
      file({ t: { modules: { identity: 'monolith', catalog: 'monolith', payment: 'monolith' } } }),
    );
    expect(found).toContain('unknown module "payment": the system\'s modules are identity, catalog, payments');
    expect(found).toContainEqual(expect.stringMatching(/^module "payments" runs nowhere/));
  });

  it('refuses a service without an address, and an unknown transport', () => {
    const found = problems(
      file({ t: { modules: { identity: { replicas: 1 }, catalog: { service: 'udp://x:1' }, payments: 'monolith' } } }),
    );
    expect(found).toContainEqual(expect.stringMatching(/^missing address for module "identity"/));
    expect(found).toContainEqual(expect.stringContaining('module "catalog": unknown transport "udp"'));
  });

  it('refuses a monolith that hosts modules services cannot reach', () => {
    const found = problems(
      file({
        t: { modules: { identity: 'monolith', catalog: 'monolith', payments: { service: 'tcp://127.0.0.1:4104' } } },
      }),
    );
    expect(found).toEqual([expect.stringMatching(/^missing address for the monolith: identity, catalog run in it/)]);
  });

  it('refuses two listeners on one port of one machine, whatever the host spelling', () => {
    const found = problems(
      file({
        t: {
          modules: {
            identity: { service: 'tcp://127.0.0.1:4101', httpPort: 9000 },
            catalog: { service: 'tcp://localhost:4101' },
            payments: { service: 'tcp://127.0.0.1:9000' },
          },
        },
      }),
    );
    expect(found).toEqual([
      'port clash: module "identity" and module "catalog" both listen on localhost:4101',
      'port clash: module "identity" (httpPort) and module "payments" both listen on 127.0.0.1:9000',
    ]);
  });

  it('allows one port on different hosts (each service on its own machine)', () => {
    const topology = parseTopology(
      file({
        t: {
          modules: {
            identity: { service: 'tcp://identity:4000' },
            catalog: { service: 'tcp://catalog:4000' },
            payments: { service: 'tcp://payments:4000' },
          },
        },
      }),
      't',
      {},
      'test.json',
    );
    expect(topology.services.map(({ address }) => address)).toHaveLength(3);
  });

  it('lets replicas share only a load-balanced address', () => {
    const found = problems(
      file({
        t: {
          modules: {
            identity: { service: 'tcp://127.0.0.1:4101', replicas: 2 },
            catalog: { service: 'redis-pubsub://127.0.0.1:6379', replicas: 2 },
            payments: { service: 'redis://127.0.0.1:6379', replicas: 2, httpPort: 9104 },
          },
        },
      }),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^module "identity": 2 replicas need a load-balanced address \(redis:\/\/\): tcp:\/\/127\.0\.0\.1:4101 is one listener/,
      ),
      expect.stringMatching(
        /^module "catalog": 2 replicas need a load-balanced address .* delivers every request to every replica/,
      ),
      'module "payments": 2 replicas cannot share httpPort 9104 on one machine; use 0 (any free port)',
    ]);
  });

  it('names a refused replicated Redis address without its password', () => {
    const found = problems(
      file({ t: { modules: { catalog: { service: 'redis-pubsub://seam:hunter2@127.0.0.1:6379', replicas: 2 } } } }, [
        'catalog',
      ]),
    );
    expect(found).toEqual([
      'module "catalog": 2 replicas need a load-balanced address (redis://): redis-pubsub://seam:***@127.0.0.1:6379 delivers every request to every replica',
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it.each([
    [null, 'the file must hold a JSON object'],
    [{ modules: [], topologies: {} }, '"modules" must list the system\'s modules'],
    [{ modules: ['Payments'], topologies: {} }, '"modules": "Payments" is not a kebab-case module name'],
    [
      { modules: ['constructor'], topologies: {} },
      '"modules": "constructor" is the name of a property of every JavaScript object: choose another',
    ],
    [{ modules: ['a', 'a'], topologies: {} }, '"modules": "a" is listed twice'],
    [
      { modules: ['monolith'], topologies: {} },
      '"modules": "monolith" is the monolith process, a name no module may take: choose another',
    ],
    [
      { modules: ['edge'], topologies: {} },
      '"modules": "edge" is a caller of the monolith ("edge"), a name no module may take: choose another',
    ],
    [{ modules: ['seed'], topologies: {} }, '"modules": "seed" is a caller of the monolith ("seed")'],
    [
      { modules: ['unknown'], topologies: {} },
      '"modules": "unknown" is what a caller that did not say who it is is called',
    ],
    [{ modules: ['a'], topologies: [] }, '"topologies" must be an object'],
    [
      file({
        t: { modules: { identity: 'monolith', catalog: 'monolith', payments: { service: 'tcp://h:1', replica: 2 } } },
      }),
      'unknown setting "replica"',
    ],
    [
      file({
        t: { modules: { identity: 'monolith', catalog: 'monolith', payments: { service: 'tcp://h:1', replicas: 0 } } },
      }),
      '"replicas" must be a whole number from 1 to 20, got 0',
    ],
    [
      file({
        t: {
          modules: { identity: 'monolith', catalog: 'monolith', payments: { service: 'tcp://h:1', httpPort: '80' } },
        },
      }),
      '"httpPort" must be a whole number from 0 to 65535, got "80"',
    ],
    [
      file({ t: { modules: { identity: 'local', catalog: 'monolith', payments: 'monolith' } } }),
      'module "identity": expected "monolith" or { "service": "<address>" }, got "local"',
    ],
    [
      file({
        t: { modules: { identity: 'monolith', catalog: 'monolith', payments: 'monolith' }, monolith: { port: 1 } },
      }),
      '"monolith": unknown setting "port"',
    ],
    [
      file({ t: { modules: { identity: 'monolith', catalog: 'monolith', payments: 'monolith' }, services: {} } }),
      'unknown setting "services"',
    ],
    [file({ __proto__: { modules: {} } }), 'unknown topology "t"'],
  ])('refuses a malformed file: %j', (document, message) => {
    expect(problems(document).join('\n')).toContain(message);
  });

  it('refuses an override for a module that runs in the monolith (it would be ignored)', () => {
    expect(problems(file({ mixed }), 'mixed', { SEAM_CATALOG_ADDRESS: 'tcp://catalog:4000' })).toEqual([
      'SEAM_CATALOG_ADDRESS is set, but "catalog" runs in the monolith in this topology',
    ]);
  });

  it('refuses an override that names no module (a misspelt one would leave the module on the file address)', () => {
    expect(
      problems(file({ mixed }), 'mixed', {
        SEAM_PAYMENT_ADDRESS: 'tcp://payments.internal:4104',
        SEAM_MONOLIT_ADDRESS: 'tcp://edge.internal:4100',
      }),
    ).toEqual([
      'SEAM_MONOLIT_ADDRESS is set, but names no module of this system: the address variables are SEAM_IDENTITY_ADDRESS, SEAM_CATALOG_ADDRESS, SEAM_PAYMENTS_ADDRESS, SEAM_MONOLITH_ADDRESS',
      'SEAM_PAYMENT_ADDRESS is set, but names no module of this system: the address variables are SEAM_IDENTITY_ADDRESS, SEAM_CATALOG_ADDRESS, SEAM_PAYMENTS_ADDRESS, SEAM_MONOLITH_ADDRESS',
    ]);
  });

  it('takes an override set to the empty string for unset, whatever module it names', () => {
    const topology = parseTopology(file({ mixed }), 'mixed', { SEAM_SHIPPING_ADDRESS: '' }, 'test.json');
    expect(topology.services.map(({ module }) => module)).toEqual(['payments']);
  });

  it('reports every problem at once, naming the file and the topology', () => {
    const document = file({ t: { modules: { identity: { service: 'tcp://h' }, catalog: { service: 'ftp://h:1' } } } });
    expect(() => parseTopology(document, 't', {}, 'test.json')).toThrow(
      /^Invalid topology \(test\.json, topology "t"\):\n {2}- .*\n {2}- .*\n {2}- /,
    );
  });
});

describe('the shipped topologies.json', () => {
  const shipped = JSON.parse(readFileSync('topologies.json', 'utf8')) as { topologies: Record<string, unknown> };

  it.each(['monolith', 'split-tcp', 'split-redis', 'mixed'])('has a valid %s topology', (name) => {
    const topology = parseTopology(shipped, name, {}, 'topologies.json');
    expect(topology.monolith.modules.length + topology.services.length).toBe(topology.modules.length);
  });

  it('runs 2 replicas of inventory and payments over Redis in split-redis, and extracts payments and inventory in mixed', () => {
    const replicas = (name: string) =>
      Object.fromEntries(
        parseTopology(shipped, name, {}, 'topologies.json').services.map((service) => [
          service.module,
          service.replicas,
        ]),
      );
    expect(replicas('split-redis')).toMatchObject({ inventory: 2, payments: 2, orders: 1 });
    expect(Object.keys(replicas('mixed')).toSorted()).toEqual(['inventory', 'payments']);
  });
});

describe('transportOptionsFor and describeTopology', () => {
  const topology = parseTopology(file({ mixed }), 'mixed', {}, 'test.json');

  it('gives the monolith its modules and every address', () => {
    expect(transportOptionsFor(topology, { kind: 'monolith' })).toEqual({
      hosted: ['identity', 'catalog'],
      endpoints: {
        identity: { transport: 'tcp', host: '127.0.0.1', port: 4100 },
        catalog: { transport: 'tcp', host: '127.0.0.1', port: 4100 },
        payments: { transport: 'tcp', host: '127.0.0.1', port: 4104 },
      },
    });
  });

  it('gives a service its one module, and refuses a service its topology does not extract', () => {
    expect(transportOptionsFor(topology, { kind: 'service', module: 'payments' }).hosted).toEqual(['payments']);
    expect(() => transportOptionsFor(topology, { kind: 'service', module: 'catalog' })).toThrow(
      'This is the catalog service, but in topology "mixed" catalog runs in the monolith: choose a topology that extracts it (SEAM_TOPOLOGY)',
    );
  });

  it('says where every module runs, from the point of view of the process', () => {
    expect(describeTopology(topology, { kind: 'service', module: 'payments' })).toEqual([
      'Topology "mixed"; this process is the payments service',
      'module identity: remote, in the monolith at tcp://127.0.0.1:4100',
      'module catalog: remote, in the monolith at tcp://127.0.0.1:4100',
      'module payments: here, served at tcp://127.0.0.1:4104',
    ]);
  });
});
