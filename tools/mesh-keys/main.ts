// `npm run mesh:keys -- …`: see mesh-keys.cli.ts and docs/security.md.
import { runMeshKeys } from './mesh-keys.cli.js';

process.exitCode = runMeshKeys(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
});
