// How the generated pods stop and how many of them a disruption may take: read from the manifests
// as a cluster would (printed as YAML and parsed back), for every shipped topology.
import { describe, expect, it } from '@jest/globals';
import { parseTopology, SHUTDOWN_DEADLINE_MS } from '@seam/runtime';
import { DockerfileParser } from 'dockerfile-ast';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { parseAllDocuments } from 'yaml';
import { type ClusterPlan, clusterPlan } from '../../tools/deploy/cluster-plan.js';
import { contractAccess } from '../../tools/deploy/contract-access.js';
import { toYaml } from '../../tools/deploy/deploy-k8s.cli.js';
import { type KubernetesObject, kubernetesManifests } from '../../tools/deploy/k8s-manifests.js';
import { schemaErrors } from './support/kubernetes-schema.js';
import { REPOSITORY_ROOT, repositoryFile, shippedTopology, shippedTopologyNames } from './support/shipped.js';

const access = contractAccess(REPOSITORY_ROOT);

function generated(plan: ClusterPlan): KubernetesObject[] {
  const text = toYaml(kubernetesManifests(plan, { image: 'seam:1', access }));
  return parseAllDocuments(text).map((document) => document.toJS() as KubernetesObject);
}

const ofKind = <T extends KubernetesObject>(objects: KubernetesObject[], kind: T['kind']): T[] =>
  objects.filter((object): object is T => object.kind === kind);
const nameOf = (object: KubernetesObject) => object.metadata!.name!;
/** Whether a `matchLabels` selector selects pods with these labels. */
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('pod rollout and disruption', () => {
  describe.each(shippedTopologyNames())('topology %s', (name) => {
    const objects = generated(clusterPlan(shippedTopology(name)));
    const deployments = ofKind<IDeployment>(objects, 'Deployment');
    const budgets = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget');
    const autoscalers = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');

    it('keeps each pod serving a few seconds after it starts stopping, and gives it its shutdown deadline after SIGTERM', () => {
      for (const deployment of deployments) {
        const pod = deployment.spec!.template.spec!;
        const command = pod.containers[0]!.lifecycle?.preStop?.exec?.command ?? [];
        expect({ deployment: nameOf(deployment), command: command.slice(0, 1) }).toEqual({
          deployment: nameOf(deployment),
          command: ['/bin/sleep'],
        });
        const pause = Number(command[1]);
        expect(pause).toBeGreaterThanOrEqual(3);
        // The grace period counts from the preStop hook: the pause, then the process's own deadline
        // (@seam/runtime's exitWithin, 10 s), then slack — never a SIGKILL before the process gives up.
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(pause + SHUTDOWN_DEADLINE_MS / 1_000);
      }
    });

    it('limits voluntary disruptions to one pod at a time of every process that may run copies, and spreads its pods over nodes', () => {
      const manyCopies = deployments.filter(
        (deployment) =>
          (deployment.spec!.replicas ?? 0) > 1 ||
          autoscalers.some((autoscaler) => nameOf(autoscaler) === nameOf(deployment)),
      );
      expect(manyCopies.length).toBeGreaterThan(0);
      expect(budgets.map(nameOf)).toEqual(manyCopies.map(nameOf));
      for (const deployment of deployments) {
        const podLabels = deployment.spec!.template.metadata!.labels!;
        const budget = budgets.find((candidate) => nameOf(candidate) === nameOf(deployment));
        const spread = deployment.spec!.template.spec!.topologySpreadConstraints ?? [];
        expect({ deployment: nameOf(deployment), spread: budget ? 'some' : spread }).toEqual({
          deployment: nameOf(deployment),
          spread: budget ? 'some' : [],
        });
        if (!budget) continue;
        // maxUnavailable, not minAvailable: a budget that a one-pod autoscaler floor could never meet blocks every drain.
        expect(budget.spec).toEqual({
          maxUnavailable: 1,
          selector: { matchLabels: expect.any(Object) },
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        });
        const selector = budget.spec!.selector!.matchLabels!;
        expect(selects(selector, podLabels)).toBe(true);
        // Its own pods only: no other Deployment's.
        for (const other of deployments.filter((candidate) => candidate !== deployment))
          expect(selects(selector, other.spec!.template.metadata!.labels!)).toBe(false);
        expect(spread).toEqual([
          {
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: selector },
          },
        ]);
      }
      expect(objects.flatMap(schemaErrors)).toEqual([]);
    });
  });

  it('gives a process that runs one fixed copy (reached over redis-pubsub://) neither a budget nor a spread', () => {
    const document = {
      modules: ['catalog', 'payments'],
      topologies: {
        p: {
          modules: {
            catalog: { service: 'redis://127.0.0.1:6379' },
            payments: { service: 'redis-pubsub://127.0.0.1:6379' },
          },
        },
      },
    };
    const objects = generated(clusterPlan(parseTopology(document, 'p', {}, 'test')));
    expect(ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').map(nameOf)).toEqual(['monolith', 'catalog']);
    const payments = ofKind<IDeployment>(objects, 'Deployment').find((deployment) => nameOf(deployment) === 'payments');
    expect(payments!.spec!.replicas).toBe(1);
    expect(payments!.spec!.template.spec!.topologySpreadConstraints).toEqual([]);
    expect(payments!.spec!.template.spec!.containers[0]!.lifecycle?.preStop?.exec?.command?.[0]).toBe('/bin/sleep');
  });

  it("runs the preStop's /bin/sleep from the image: a Debian base, where coreutils is essential", () => {
    const froms = DockerfileParser.parse(repositoryFile('deploy/Dockerfile')).getFROMs();
    const runtime = froms.at(-1)!;
    // node:<version>-bookworm-slim: Debian 12. A distroless or scratch base would have no sleep.
    expect(runtime.getImageName()).toBe('node');
    expect(runtime.getImageTag()).toMatch(/-bookworm-slim$/);
  });
});
