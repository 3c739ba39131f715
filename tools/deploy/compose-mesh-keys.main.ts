// `npm run mesh:keys:compose [-- <topology>]`: see compose-mesh-keys.cli.ts and deploy/compose.yaml.
import { runComposeMeshKeys } from './compose-mesh-keys.cli.js';

process.exitCode = runComposeMeshKeys(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
});
