import { readFileSync } from 'node:fs';

type Placement = string | { service: string; replicas?: number };
interface TopologyFile {
  modules: string[];
  topologies: Record<string, { modules: Record<string, Placement> }>;
}

const shipped = (): TopologyFile => JSON.parse(readFileSync('topologies.json', 'utf8')) as TopologyFile;

/**
 * The modules topologies.json lists, in its order: the shop's five, and any module added since
 * (`npm run add:module`), so that what a test expects of every module holds for a new one too.
 */
export const shippedModules = (): string[] => shipped().modules;

/** The modules a shipped topology runs as services, in file order, each as many times as its replicas. */
export function serviceInstancesOf(topology: string): string[] {
  const placements = shipped().topologies[topology]?.modules;
  if (!placements) throw new Error(`topologies.json has no topology "${topology}"`);
  return Object.entries(placements).flatMap(([module, placement]) =>
    typeof placement === 'string' ? [] : Array.from({ length: placement.replicas ?? 1 }, () => module),
  );
}
