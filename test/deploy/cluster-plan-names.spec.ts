import { describe, expect, it } from '@jest/globals';
import { parseTopology, TopologyError } from '@seam/runtime';
import { clusterPlan } from '../../tools/deploy/cluster-plan.js';
import { runDeployK8s, USAGE_ERROR } from '../../tools/deploy/deploy-k8s.cli.js';
import { REPOSITORY_ROOT } from './support/shipped.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The topology file takes any kebab-case module name; on a cluster that name is also the name of
// the process's Deployment, Service, autoscaler and container, which Kubernetes constrains.

/** A topology file whose module `name` runs as its own service at `address`. */
const file = (name: string, address: string) => ({
  modules: ['catalog', name],
  topologies: {
    t: {
      monolith: { address: 'tcp://127.0.0.1:4100' },
      modules: { catalog: 'monolith', [name]: { service: address, httpPort: 9104 } },
    },
  },
});

/** Why `clusterPlan` refuses that topology. */
function refusal(name: string, address = 'tcp://127.0.0.1:4104'): readonly string[] {
  try {
    clusterPlan(parseTopology(file(name, address), 't', {}, 'test'));
  } catch (error) {
    if (error instanceof TopologyError) return error.problems;
    throw error;
  }
  throw new Error(`expected clusterPlan to refuse module "${name}"`);
}

describe('clusterPlan: names on a cluster', () => {
  it('refuses a module named "monolith", whose objects would replace the edge (the topology itself does)', () => {
    expect(refusal('monolith')).toEqual([
      '"modules": "monolith" is the monolith process, a name no module may take: choose another',
    ]);
  });

  it('refuses a module whose container name would exceed 63 characters, and takes one of exactly 63', () => {
    const tooLong = `m${'a'.repeat(55)}`; // 56 characters: "<name>-service" has 64
    expect(refusal(tooLong)).toEqual([
      `name too long for a cluster: module "${tooLong}" runs as container "${tooLong}-service", 64 characters where Kubernetes takes at most 63; give the module a shorter name`,
    ]);
    const longest = tooLong.slice(1);
    const plan = clusterPlan(parseTopology(file(longest, 'tcp://127.0.0.1:4104'), 't', {}, 'test'));
    expect(plan.deployables.map(({ app }) => app.length)).toEqual([8, 63]);
  });

  it("refuses a module named after the Redis host of a Redis topology, whose Service would replace Redis's", () => {
    expect(refusal('redis', 'redis://127.0.0.1:6379')).toEqual([
      'name clash on a cluster: module "redis" would get a Service named "redis", the host the pods reach Redis by (--redis-url), and replace the Service of your Redis; rename the module or give --redis-url another host',
    ]);
    // Over TCP there is no Redis to shadow.
    expect(() => clusterPlan(parseTopology(file('redis', 'tcp://127.0.0.1:4104'), 't', {}, 'test'))).not.toThrow();
  });

  it('makes the command exit 2 with the reason, printing no manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seam-names-'));
    try {
      writeFileSync(join(dir, 'topologies.json'), JSON.stringify(file('redis', 'redis://127.0.0.1:6379')));
      const out: string[] = [];
      const err: string[] = [];
      const status = runDeployK8s(['t'], {
        stdout: (text) => out.push(text),
        stderr: (text) => err.push(text),
        cwd: dir,
        env: { SEAM_TOPOLOGY_FILE: 'topologies.json' },
        root: REPOSITORY_ROOT,
      });
      expect({ status, out }).toEqual({ status: USAGE_ERROR, out: [] });
      expect(err.join('')).toContain('module "redis" would get a Service named "redis"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
