// The image's entrypoint: runs the deployable named by the first argument or SEAM_APP (default
// monolith), or one of the monolith's commands named by the first argument (`migrate`,
// `dead-letters`, `data-move`), which gets the arguments after it. It imports the app or command
// into this very process instead of spawning a child, so the SIGTERM that tini forwards reaches
// the app's own shutdown hooks.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// `nest build <app>` bundles each app into dist/apps/<app>/main.js, and the monolith's commands
// beside its main.js (rspack.config.js); `npm run migrate` & co. run the same files.
const distApps = join(import.meta.dirname, '..', 'dist', 'apps');
const mainOf = (app) => join(distApps, app, 'main.js');
/** The commands the image runs, each the monolith's built file of that name. */
const COMMANDS = ['data-move', 'dead-letters', 'migrate'];
const commandFile = (command) => join(distApps, 'monolith', `${command}.js`);

const argument = process.argv[2]?.trim();
if (argument && COMMANDS.includes(argument)) {
  if (!existsSync(commandFile(argument))) {
    console.error(`seam: this image has no ${argument} command (${commandFile(argument)} was not built)`);
    process.exit(2);
  }
  // The command reads its own arguments from process.argv.slice(2), as under `npm run`.
  process.argv.splice(2, 1);
  await import(pathToFileURL(commandFile(argument)).href);
} else {
  const app = argument || process.env.SEAM_APP?.trim() || 'monolith';
  const built = existsSync(distApps)
    ? readdirSync(distApps)
        .filter((name) => existsSync(mainOf(name)))
        .toSorted()
    : [];

  if (!built.includes(app)) {
    const commands = COMMANDS.filter((command) => existsSync(commandFile(command)));
    console.error(
      `seam: unknown app "${app}" (first argument or SEAM_APP): this image has ${built.join(', ') || 'no app built'}` +
        (commands.length > 0 ? `, and the commands ${commands.join(', ')} (first argument)` : ''),
    );
    process.exit(2);
  }
  process.env.SEAM_APP = app;
  await import(pathToFileURL(mainOf(app)).href);
}
