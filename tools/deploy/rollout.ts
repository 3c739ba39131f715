import { SHUTDOWN_DEADLINE_MS } from '@seam/runtime';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { ILifecycle } from 'kubernetes-models/v1/Lifecycle';
import type { ITopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';
import type { Deployable } from './cluster-plan.js';

type ObjectMeta = NonNullable<IPodDisruptionBudget['metadata']>;
type DeploymentStrategy = NonNullable<NonNullable<IDeployment['spec']>['strategy']>;

/** Pods a rollout may start above a Deployment's count: its `RollingUpdate` `maxSurge`. */
export const ROLLOUT_MAX_SURGE = 1;

/**
 * How long a stopping pod keeps serving before it is sent SIGTERM. Kubernetes takes a pod out of
 * its Service's endpoints at the same time as it starts stopping it, and kube-proxy, ingress
 * controllers and the callers' connections learn of it only some seconds later; the process stops
 * taking work at SIGTERM, so without this pause the requests sent to it in those seconds fail.
 */
export const PRE_STOP_SLEEP_SECONDS = 5;

/** Slack after the process's own deadline (`SHUTDOWN_DEADLINE_MS`) before the kubelet's SIGKILL. */
export const SHUTDOWN_MARGIN_SECONDS = 5;

/**
 * A pod's `terminationGracePeriodSeconds`, which counts from the start of its preStop hook: the
 * pause, then at most `SHUTDOWN_DEADLINE_MS` (10 s, @seam/runtime's `exitWithin`) for the process to
 * finish what is in flight after SIGTERM, then the margin.
 */
export const TERMINATION_GRACE_PERIOD_SECONDS =
  PRE_STOP_SLEEP_SECONDS + SHUTDOWN_DEADLINE_MS / 1_000 + SHUTDOWN_MARGIN_SECONDS;

/** One new pod ready before an old one goes: no capacity is lost during a rollout. */
export const ROLLING_UPDATE: DeploymentStrategy = {
  type: 'RollingUpdate',
  rollingUpdate: { maxSurge: ROLLOUT_MAX_SURGE, maxUnavailable: 0 },
};

/**
 * The container's preStop hook: {@link PRE_STOP_SLEEP_SECONDS} of `/bin/sleep`, an exec handler.
 * Not the `sleep` handler, which only Kubernetes 1.30 and later have (the API server of an older
 * cluster refuses or drops the field); the image's Debian base has coreutils' `/bin/sleep`.
 */
export const PRE_STOP_SLEEP: ILifecycle = {
  preStop: { exec: { command: ['/bin/sleep', String(PRE_STOP_SLEEP_SECONDS)] } },
};

/** Whether a deployable may run more than one pod: several copies, or an autoscaler that may add them. */
export const mayRunCopies = (deployable: Deployable): boolean => deployable.scalable || deployable.replicas > 1;

/**
 * The deployable's PodDisruptionBudget (`policy/v1`), for one that may run copies: a node drain or
 * a cluster upgrade evicts one of its pods at a time. `maxUnavailable: 1` rather than
 * `minAvailable`: it never blocks a drain when the autoscaler is down to one pod. A pod that is
 * not ready may be evicted whatever the budget (`AlwaysAllow`), so a broken pod never holds up a
 * drain either.
 */
export function disruptionBudget(
  deployable: Deployable,
  metadata: ObjectMeta,
  podLabels: Record<string, string>,
): IPodDisruptionBudget | undefined {
  if (!mayRunCopies(deployable)) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata,
    spec: { maxUnavailable: 1, selector: { matchLabels: podLabels }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  };
}

/**
 * The pods of a deployable that may run copies, spread over nodes, so that losing one node does
 * not take every copy: a preference (`ScheduleAnyway`), so that a cluster of one node, or one
 * with no room elsewhere, still schedules them.
 */
export function spreadOverNodes(
  deployable: Deployable,
  podLabels: Record<string, string>,
): ITopologySpreadConstraint[] {
  if (!mayRunCopies(deployable)) return [];
  return [
    {
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: podLabels },
    },
  ];
}
