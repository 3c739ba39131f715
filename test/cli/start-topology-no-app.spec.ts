import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { preflightProblems } from '../../tools/start-topology/preflight.js';
import { planTopology } from '../../tools/start-topology/topology-plan.js';

const dir = mkdtempSync(join(tmpdir(), 'seam-no-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('preflightProblems', () => {
  it('says that a module of the file has no app at all, rather than asking for a build that cannot make one', async () => {
    const file = join(dir, 'topologies.json');
    writeFileSync(
      file,
      JSON.stringify({
        modules: ['catalog', 'paymnets'],
        topologies: {
          t: { modules: { catalog: { service: 'tcp://127.0.0.1:1' }, paymnets: { service: 'tcp://127.0.0.1:2' } } },
        },
      }),
    );
    const env = { SEAM_TOPOLOGY_FILE: file, PORT: '0' };
    const problems = await preflightProblems(
      planTopology('t', env, process.cwd(), randomBytes(32)),
      env,
      process.cwd(),
    );
    expect(problems).toContain(
      'the topology file lists a module this repository has no app for: apps/paymnets-service does not exist ' +
        '(a misspelt module name? a new module is made with npm run add:module -- <name>)',
    );
    expect(problems.join('\n')).not.toContain('paymnets-service/main.js');
  });
});
