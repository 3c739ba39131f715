// Loaded first with `node --import` by bundled-packages.e2e-spec.ts: appends to the file named by
// LOADED_PACKAGES_FILE the folder of each package the process loads a file of, relative to the
// project (`node_modules/a`, or `node_modules/a/node_modules/b` for a nested copy), as it happens:
// the monolith ends by its signal, without an 'exit' event to write them at.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const MARK = '/node_modules/';
const folders = new Set();

/** The package folder of a loaded file, from the first node_modules on; undefined outside one. */
function packageFolder(url) {
  if (!url.startsWith('file:')) return undefined;
  const path = fileURLToPath(url);
  const last = path.lastIndexOf(MARK);
  if (last < 0) return undefined;
  const [first, second] = path.slice(last + MARK.length).split('/');
  const name = first.startsWith('@') ? `${first}/${second}` : first;
  return `${path.slice(path.indexOf(MARK) + 1, last + MARK.length)}${name}`;
}

registerHooks({
  load(url, context, next) {
    const folder = packageFolder(url);
    if (folder && !folders.has(folder)) {
      folders.add(folder);
      appendFileSync(process.env.LOADED_PACKAGES_FILE, `${folder}\n`);
    }
    return next(url, context);
  },
});
