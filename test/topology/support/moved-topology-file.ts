import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@seam/testing';

type Placement = string | { service: string; httpPort?: number; replicas?: number };
interface TopologyFile {
  modules: string[];
  topologies: Record<string, { monolith?: { address: string }; modules: Record<string, Placement> }>;
}

/**
 * A copy of `topologies.json` in a temporary directory in which one topology's TCP ports and
 * HTTP ports are moved to free ones: a run of it clashes neither with another test nor with a
 * system a developer runs on the shipped ports. Answers the file's path.
 */
export async function movedTopologyFile(name: string): Promise<string> {
  const document = JSON.parse(readFileSync('topologies.json', 'utf8')) as TopologyFile;
  const topology = document.topologies[name];
  if (!topology) throw new Error(`topologies.json has no topology "${name}"`);
  const moveTcp = async (address: string) =>
    address.startsWith('tcp://') ? address.replace(/:\d+$/, `:${await freePort()}`) : address;
  for (const [module, placement] of Object.entries(topology.modules)) {
    if (typeof placement === 'string') continue;
    topology.modules[module] = {
      ...placement,
      service: await moveTcp(placement.service),
      ...(placement.httpPort ? { httpPort: await freePort() } : {}),
    };
  }
  if (topology.monolith) topology.monolith = { address: await moveTcp(topology.monolith.address) };
  const file = join(mkdtempSync(join(tmpdir(), 'seam-start-topology-')), 'topologies.json');
  writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}
