import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';

/** The kinds the generator emits, each with the kubernetes-models class that carries its OpenAPI schema. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

/**
 * What the Kubernetes OpenAPI schema (through kubernetes-models' compiled validators) finds wrong
 * with one object: an empty list when it is valid. An object of a kind not listed here is an
 * error too, so that a new kind cannot slip through unvalidated.
 */
export function schemaErrors(object: unknown): string[] {
  const { apiVersion, kind, metadata } = object as { apiVersion?: string; kind?: string; metadata?: { name?: string } };
  const where = `${apiVersion}/${kind} "${metadata?.name}"`;
  const Model = MODELS[`${apiVersion}/${kind}`];
  if (!Model) return [`${where}: no schema registered for this kind in test/deploy/support/kubernetes-schema.ts`];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}
