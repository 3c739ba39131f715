import { runDeployK8s } from '../../../tools/deploy/deploy-k8s.cli.js';

/** What one run of `deploy:k8s` printed, and its exit status. */
export interface DeployK8sRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the `deploy:k8s` CLI in this process, in `cwd` with `env` as its environment, and collects what it prints. */
export function runDeployK8sIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): DeployK8sRun {
  let stdout = '';
  let stderr = '';
  const status = runDeployK8s(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd,
    env,
  });
  return { status, stdout, stderr };
}
