import { describe, expect, it } from '@jest/globals';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { clusterPlan } from '../../tools/deploy/cluster-plan.js';
import { contractAccess } from '../../tools/deploy/contract-access.js';
import { kubernetesManifests } from '../../tools/deploy/k8s-manifests.js';
import { REPOSITORY_ROOT, repositoryFile, shippedTopology, shippedTopologyNames } from './support/shipped.js';

const access = contractAccess(REPOSITORY_ROOT);

describe('bind addresses', () => {
  it('the image binds no module server beyond loopback by default', () => {
    const env = repositoryFile('deploy/Dockerfile')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    expect(env).not.toMatch(/SEAM_LISTEN_HOST|SEAM_INTERNAL_HOST|SEAM_HTTP_HOST/);
  });

  describe.each(shippedTopologyNames())('manifests of topology %s', (name) => {
    const plan = clusterPlan(shippedTopology(name));
    const deployments = kubernetesManifests(plan, { image: 'seam:1', access }).filter(
      (object): object is IDeployment => object.kind === 'Deployment',
    );
    const envOf = (deployment: IDeployment) =>
      Object.fromEntries(
        deployment
          .spec!.template.spec!.containers[0]!.env!.filter(({ value }) => value !== undefined)
          .map(({ name: key, value }) => [key, value]),
      );

    it("bind 0.0.0.0 only where other pods dial a Seam TCP server, a service's HTTP on the pod address, and the internal port only on the edge", () => {
      for (const deployment of deployments) {
        const deployable = plan.deployables.find((candidate) => candidate.name === deployment.metadata!.name)!;
        const env = envOf(deployment);
        expect({ name: deployable.name, listen: env.SEAM_LISTEN_HOST }).toEqual({
          name: deployable.name,
          listen: deployable.tcpPort === undefined ? undefined : '0.0.0.0',
        });
        // Probes and the scraper dial the pod's address: a service's HTTP listener must not stay on its loopback default.
        expect({ name: deployable.name, http: env.SEAM_HTTP_HOST }).toEqual({
          name: deployable.name,
          http: deployable.module === undefined ? undefined : '0.0.0.0',
        });
        expect({ name: deployable.name, internal: env.SEAM_INTERNAL_PORT }).toEqual({
          name: deployable.name,
          internal: deployable.module === undefined ? '9464' : undefined,
        });
      }
    });
  });
});
