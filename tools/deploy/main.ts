// `npm run deploy:k8s -- <topology> [flags]`: see deploy-k8s.cli.ts and docs/deploy.md.
import { runDeployK8s } from './deploy-k8s.cli.js';

process.exitCode = runDeployK8s(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
});
