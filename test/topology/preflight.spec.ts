import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { preflightProblems } from '../../tools/start-topology/preflight.js';
import { planTopology } from '../../tools/start-topology/topology-plan.js';
import { movedTopologyFile } from './support/moved-topology-file.js';

describe('preflightProblems', () => {
  it.each([
    [
      'the payments service',
      (plan: Plan) => plan.topology.services.find(({ module }) => module === 'payments')!.httpPort,
      "the payments service's HTTP port (httpPort) (127.0.0.1:",
    ],
    ['the monolith', (plan: Plan) => tcpPort(plan.topology.monolith.address), 'the monolith (tcp://127.0.0.1:'],
  ])('names a PORT that %s listens on too, before anything starts', async (_who, portOf, other) => {
    const file = await movedTopologyFile('mixed');
    const port = portOf(planTopology('mixed', { SEAM_TOPOLOGY_FILE: file }, process.cwd(), randomBytes(32)));
    const env = { SEAM_TOPOLOGY_FILE: file, PORT: String(port) };
    const problems = await preflightProblems(
      planTopology('mixed', env, process.cwd(), randomBytes(32)),
      env,
      process.cwd(),
    );
    expect(problems).toContainEqual(expect.stringMatching(/^port clash: /));
    const clash = problems.find((problem) => problem.startsWith('port clash: '))!;
    expect(clash).toContain(`both need port ${port}: move one (PORT, SEAM_<MODULE>_ADDRESS, or the topology file)`);
    expect(clash).toContain(other);
    expect(clash).toContain(`the monolith's HTTP port (PORT, default 3000) (*:${port})`);
  });
});

type Plan = ReturnType<typeof planTopology>;
const tcpPort = (address: Plan['topology']['monolith']['address']) =>
  address?.transport === 'tcp' ? address.port : Number.NaN;
