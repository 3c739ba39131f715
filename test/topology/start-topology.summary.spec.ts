import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { summaryLines } from '../../tools/start-topology/summary.js';
import { planTopology } from '../../tools/start-topology/topology-plan.js';

describe('summaryLines', () => {
  it('prints where each process serves without the Redis password that REDIS_URL gave it', () => {
    const plan = planTopology(
      'split-redis',
      { REDIS_URL: 'redis://seam:hunter2@127.0.0.1:6379' },
      process.cwd(),
      randomBytes(32),
    );
    const healthy = plan.processes.map((planned, index) => ({ planned, pid: 1000 + index, url: 'http://localhost:1' }));

    const lines = summaryLines(plan.topology, healthy, 1_000);

    expect(lines.join('\n')).not.toContain('hunter2');
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}orders +pid \d+ +redis:\/\/seam:\*\*\*@127\.0\.0\.1:6379, health/),
    );
    // The processes themselves still get the password: only what is printed is masked.
    expect(plan.processes[0]!.env.SEAM_IDENTITY_ADDRESS).toBe('redis://seam:hunter2@127.0.0.1:6379');
  });
});
