import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parseTopology } from '@seam/runtime';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { clusterPlan } from '../../tools/deploy/cluster-plan.js';
import { contractAccess, ContractAccessError } from '../../tools/deploy/contract-access.js';
import { type KubernetesObject, kubernetesManifests } from '../../tools/deploy/k8s-manifests.js';
import { schemaErrors } from './support/kubernetes-schema.js';
import { REPOSITORY_ROOT, shippedTopology } from './support/shipped.js';

const IMAGE = 'registry.example.com/seam:0.1.0';
const scratch = mkdtempSync(join(tmpdir(), 'seam-network-policies-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const policiesOf = (objects: KubernetesObject[]) =>
  objects.filter((object): object is INetworkPolicy => object.kind === 'NetworkPolicy');

/** Per named port of one process's policy: the deployables admitted (`*` for anyone, `scraper` for the metrics scraper). */
function admitted(objects: KubernetesObject[], deployable: string): Record<string, string[]> {
  const policy = policiesOf(objects).find((candidate) => candidate.metadata!.name === `seam-${deployable}`)!;
  const result: Record<string, string[]> = {};
  for (const rule of policy.spec!.ingress ?? []) {
    const peers = rule.from?.map((peer) =>
      peer.namespaceSelector || peer.podSelector?.matchLabels?.['seam.io/metrics-scraper']
        ? 'scraper'
        : peer.podSelector!.matchLabels!['app.kubernetes.io/name']!,
    ) ?? ['*'];
    for (const port of rule.ports!) result[String(port.port)] = [...new Set(peers)].toSorted();
  }
  return result;
}

/** A repository root holding the given contract sources, as `libs/<module>/contracts/src/<module>.contract.ts`. */
function fixtureRoot(name: string, contracts: Record<string, string>, appParts: string[] = ['edge']): string {
  const root = join(scratch, name);
  for (const [module, body] of Object.entries(contracts)) {
    mkdirSync(join(root, 'libs', module, 'contracts', 'src'), { recursive: true });
    writeFileSync(join(root, 'libs', module, 'contracts', 'src', `${module}.contract.ts`), body);
  }
  for (const part of appParts) mkdirSync(join(root, 'apps', 'monolith', 'src', part), { recursive: true });
  return root;
}

/** Every module its own TCP service, in the order given. */
function splitTcp(modules: string[]) {
  const document = {
    modules,
    topologies: {
      split: {
        modules: Object.fromEntries(
          modules.map((module, index) => [
            module,
            { service: `tcp://127.0.0.1:${4200 + index}`, httpPort: 9200 + index },
          ]),
        ),
      },
    },
  };
  return clusterPlan(parseTopology(document, 'split', {}, 'test'));
}

const contract = (module: string, entries: string) =>
  `const SEED = 'seed';\nexport const ${module}Contract = defineContract('${module}', {\n${entries}\n});\n`;

describe('NetworkPolicies from the contracts', () => {
  describe('of the shop (split-tcp)', () => {
    const objects = kubernetesManifests(clusterPlan(shippedTopology('split-tcp')), {
      image: IMAGE,
      access: contractAccess(REPOSITORY_ROOT),
    });

    it('denies all ingress to the app pods unless a policy admits it', () => {
      const deny = policiesOf(objects).find((policy) => policy.metadata!.name === 'seam-default-deny')!;
      expect(deny.spec).toEqual({
        podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'seam' } },
        policyTypes: ['Ingress'],
        ingress: [],
      });
      expect(policiesOf(objects).flatMap(schemaErrors)).toEqual([]);
    });

    it("admits only orders' pods to payments (its only caller; it subscribes to nothing)", () => {
      const payments = admitted(objects, 'payments');
      expect(payments['seam-tcp']).toEqual(['orders']);
      expect(payments.http).toEqual(['scraper']);
    });

    it("admits the edge (the monolith) to identity, whose entries name EDGE, and orders' relay", () => {
      // orders' order events name identity among their subscribers: the only relay that reaches it.
      expect(admitted(objects, 'identity')['seam-tcp']).toEqual(['monolith', 'orders']);
    });

    it('admits no relay to orders, whose events no contract lets it take', () => {
      expect(admitted(objects, 'orders')['seam-tcp']).toEqual(['monolith']);
    });

    it('opens the public HTTP port of the edge to anyone, and its internal port to the scraper only', () => {
      expect(admitted(objects, 'monolith')).toEqual({ http: ['*'], internal: ['scraper'] });
    });
  });

  describe('of fixture contracts', () => {
    const root = fixtureRoot(
      'shop',
      {
        vault: contract(
          'vault',
          "  open: request({ pattern: 'vault.open', callers: ['teller'], request: A, response: B }),\n" +
            "  audit: request({ pattern: 'vault.audit', callers: [SEED], request: A, response: B }),",
        ),
        teller: contract(
          'teller',
          "  count: request({ pattern: 'teller.count', callers: [EDGE], request: A, response: B }),\n" +
            "  counted: event({ pattern: 'teller.cash.counted', subscribers: ['ledger'], payload: C }),",
        ),
        ledger: contract(
          'ledger',
          "  look: request({ pattern: 'ledger.look', callers: [ANY_CALLER], request: A, response: B }),",
        ),
        lobby: contract(
          'lobby',
          "  walk: request({ pattern: 'lobby.walk', callers: [EDGE], request: A, response: B }),",
        ),
      },
      ['edge', 'seed'],
    );
    const objects = kubernetesManifests(splitTcp(['vault', 'teller', 'ledger', 'lobby']), {
      image: IMAGE,
      access: contractAccess(root),
    });

    it('admits exactly the callers and the publishers of the events a module may take', () => {
      // teller is vault's caller; the monolith hosts EDGE and SEED.
      expect(admitted(objects, 'vault')['seam-tcp']).toEqual(['monolith', 'teller']);
      expect(admitted(objects, 'teller')['seam-tcp']).toEqual(['monolith']);
      // teller's event names only ledger: its relay asks nobody else, so lobby keeps it out.
      expect(admitted(objects, 'lobby')['seam-tcp']).toEqual(['monolith']);
      expect(contractAccess(root).callers.get('ledger')?.get('teller')).toEqual([
        'ledger.$subscriptions',
        'ledger.$deliver',
      ]);
    });

    it('opens an ANY_CALLER door to every source', () => {
      expect(admitted(objects, 'ledger')['seam-tcp']).toEqual(['*']);
    });
  });

  describe('of an event anyone may take', () => {
    const root = fixtureRoot('bells', {
      bell: contract('bell', "  rung: event({ pattern: 'bell.bell.rung', subscribers: [ANY_CALLER], payload: C }),"),
      vault: contract('vault', "  open: request({ pattern: 'vault.open', callers: [EDGE], request: A, response: B }),"),
      lobby: contract('lobby', "  walk: request({ pattern: 'lobby.walk', callers: [EDGE], request: A, response: B }),"),
    });
    const objects = kubernetesManifests(splitTcp(['bell', 'vault', 'lobby']), {
      image: IMAGE,
      access: contractAccess(root),
    });

    it("admits the publisher's relay to every other module, and opens the publisher to no one", () => {
      expect(admitted(objects, 'vault')['seam-tcp']).toEqual(['bell', 'monolith']);
      expect(admitted(objects, 'lobby')['seam-tcp']).toEqual(['bell', 'monolith']);
      expect(admitted(objects, 'bell')['seam-tcp']).toBeUndefined();
    });
  });

  describe('refuses contracts it cannot turn into rules', () => {
    it.each([
      ['an unresolved caller constant', 'callers: [SOMEONE]', /SOMEONE.*could resolve/],
      ['a caller that is no name', "callers: ['../etc']", /not a module or caller name/],
      ['ANY_CALLER beside others', "callers: [ANY_CALLER, 'x']", /must stand alone/],
    ])('%s', (name, callers, message) => {
      const root = fixtureRoot(`bad-${name.replace(/\W+/g, '-')}`, {
        vault: contract('vault', `  open: request({ pattern: 'vault.open', ${callers}, request: A, response: B }),`),
      });
      expect(() => contractAccess(root)).toThrow(ContractAccessError);
      expect(() => contractAccess(root)).toThrow(message);
    });

    it('a caller that is neither a module, the edge nor a part of the monolith', () => {
      const root = fixtureRoot('stranger', {
        vault: contract(
          'vault',
          "  open: request({ pattern: 'vault.open', callers: ['stranger'], request: A, response: B }),",
        ),
      });
      expect(() => kubernetesManifests(splitTcp(['vault']), { image: IMAGE, access: contractAccess(root) })).toThrow(
        /"stranger", a caller of module "vault", is neither/,
      );
    });

    it('a root without contracts (it would admit nobody)', () => {
      expect(() => contractAccess(join(scratch, 'empty'))).toThrow(/no contract found/);
    });
  });

  it('with Redis, admits only the app pods to Redis and opens no Seam TCP port', () => {
    const objects = kubernetesManifests(clusterPlan(shippedTopology('split-redis'), 'redis://redis:6380'), {
      image: IMAGE,
      access: contractAccess(REPOSITORY_ROOT),
      redisSelector: { app: 'cache' },
    });
    const redis = policiesOf(objects).find((policy) => policy.metadata!.name === 'seam-redis')!;
    expect(redis.spec).toEqual({
      podSelector: { matchLabels: { app: 'cache' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          ports: [{ port: 6380, protocol: 'TCP' }],
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'seam' } } }],
        },
      ],
    });
    expect(admitted(objects, 'payments')).toEqual({ http: ['scraper'] });
    expect(policiesOf(objects).flatMap(schemaErrors)).toEqual([]);
  });
});
