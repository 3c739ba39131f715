// The image's entrypoint: runs the deployable named by the first argument or SEAM_APP (default
// monolith). It imports the app into this very process instead of spawning a child, so the
// SIGTERM that tini forwards reaches the app's own shutdown hooks.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// `nest build <app>` bundles each app into dist/apps/<app>/main.js (rspack.config.js).
const distApps = join(import.meta.dirname, '..', 'dist', 'apps');
const mainOf = (app) => join(distApps, app, 'main.js');

const app = (process.argv[2] || process.env.SEAM_APP || 'monolith').trim();
const built = existsSync(distApps)
  ? readdirSync(distApps)
      .filter((name) => existsSync(mainOf(name)))
      .toSorted()
  : [];

if (!built.includes(app)) {
  console.error(
    `seam: unknown app "${app}" (first argument or SEAM_APP): this image has ${built.join(', ') || 'no app built'}`,
  );
  process.exit(2);
}
process.env.SEAM_APP = app;
await import(pathToFileURL(mainOf(app)).href);
