import { describe, expect, it } from '@jest/globals';
import { parseTopology, TopologyError } from '@seam/runtime';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IService } from 'kubernetes-models/v1/Service';
import { clusterPlan, DEFAULT_SERVICE_HTTP_PORT } from '../../tools/deploy/cluster-plan.js';
import { contractAccess } from '../../tools/deploy/contract-access.js';
import { kubernetesManifests } from '../../tools/deploy/k8s-manifests.js';
import { REPOSITORY_ROOT } from './support/shipped.js';

/** A topology with the monolith and payments on the given placements. */
const topology = (monolith: string, payments: Record<string, unknown>) =>
  parseTopology(
    {
      modules: ['catalog', 'payments'],
      topologies: { t: { monolith: { address: monolith }, modules: { catalog: 'monolith', payments } } },
    },
    't',
    {},
    'test',
  );

/** Why `clusterPlan` refuses a topology. */
function refusal(monolith: string, payments: Record<string, unknown>): readonly string[] {
  try {
    clusterPlan(topology(monolith, payments));
  } catch (error) {
    if (error instanceof TopologyError) return error.problems;
    throw error;
  }
  throw new Error('expected clusterPlan to refuse the topology');
}

describe('clusterPlan', () => {
  describe('ports', () => {
    it.each([
      [9464, 'its internal port (SEAM_INTERNAL_PORT: /metrics, /docs)'],
      [3000, 'its HTTP port (PORT)'],
    ])('refuses a monolith whose TCP port is %i, naming both uses', (port, use) => {
      expect(refusal(`tcp://127.0.0.1:${port}`, { service: 'tcp://127.0.0.1:4104' })).toEqual([
        `port clash on a cluster: the monolith would listen on ${port} twice, as ${use} and as the TCP port of its address; give its address another port`,
      ]);
    });

    it("refuses a service whose httpPort is its own TCP port on another host (the topology's check sees two machines)", () => {
      expect(refusal('tcp://127.0.0.1:4100', { service: 'tcp://payments:4104', httpPort: 4104 })).toEqual([
        'port clash on a cluster: module "payments" would listen on 4104 twice, as its "httpPort" and as the TCP port of its address; give its address another port',
      ]);
    });

    it('gives a service left to chance an HTTP port other than its TCP port', () => {
      const plan = clusterPlan(
        topology('tcp://127.0.0.1:4100', { service: `tcp://127.0.0.1:${DEFAULT_SERVICE_HTTP_PORT}` }),
      );
      const objects = kubernetesManifests(plan, { image: 'seam:1', access: contractAccess(REPOSITORY_ROOT) });
      const payments = (kind: string) =>
        objects.find((object) => object.kind === kind && object.metadata!.name === 'payments');
      const containerPorts = (payments('Deployment') as IDeployment).spec!.template.spec!.containers[0]!.ports!.map(
        ({ containerPort }) => containerPort,
      );
      const servicePorts = (payments('Service') as IService).spec!.ports!.map(({ port }) => port);
      expect(containerPorts).toEqual([DEFAULT_SERVICE_HTTP_PORT + 1, DEFAULT_SERVICE_HTTP_PORT]);
      expect(servicePorts).toEqual(containerPorts);
    });
  });
});
