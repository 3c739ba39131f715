import { describe, expect, it } from '@jest/globals';
import { type IJob, Job } from 'kubernetes-models/batch/v1/Job';
import { parse } from 'yaml';
import { repositoryFile } from './support/shipped.js';

/** The YAML examples of docs/deploy.md that are Jobs, indented as the page has them. */
const jobs = [...repositoryFile('docs/deploy.md').matchAll(/^( *)```yaml\n([\s\S]*?)^\1```$/gm)]
  .map(([, indent, body]) =>
    body!
      .split('\n')
      .map((line) => line.slice(indent!.length))
      .join('\n'),
  )
  .map((text) => parse(text) as { kind?: string })
  .filter((document): document is IJob => document?.kind === 'Job');

/** The monolith's commands, as the npm scripts run them from the build: what the image's entrypoint takes. */
const commands = Object.values(
  (JSON.parse(repositoryFile('package.json')) as { scripts: Record<string, string> }).scripts,
).flatMap((script) => [...script.matchAll(/\bdist\/apps\/monolith\/([\w-]+)\.js\b/g)].map((match) => match[1]));

describe('the migrate Job of docs/deploy.md', () => {
  it('is a valid batch/v1 Job that runs a command of the image, as the generated pods run: non-root, read-only', () => {
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(() => new Job(job).validate()).not.toThrow();
    const pod = job!.spec!.template.spec!;
    const [container] = pod.containers;
    expect(commands).toContain(container!.args![0]);
    expect(container!.args).toEqual(['migrate']);
    expect(container!.command).toBeUndefined(); // the image's entrypoint, which takes the command
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });
});
