// @ts-check
// What the generator writes, formatted as Prettier formats it (`npm run lint` runs `prettier --check .`):
// the files it rewrites are laid out that way as they are written, and the files its templates
// create go through Prettier itself, since how Prettier breaks their lines depends on the name.
const { createRequire } = require('node:module');
const { join } = require('node:path');

/** .prettierrc.json's printWidth, which the files the generator rewrites are laid out to. */
const PRINT_WIDTH = 120;
const INDENT = '  ';

/**
 * `value` as Prettier prints JSON: an object or an array on one line when it fits in
 * {@link PRINT_WIDTH}, one entry per line otherwise; an object for which `spread(path)` holds one
 * entry per line whatever its length (Prettier keeps an object spread when its first key starts a
 * line, so it leaves either layout as it is). Like Prettier, it also spreads an array of two or more
 * objects (or arrays) of two or more entries each, and fills lines with an array of numbers.
 * @param {unknown} value
 * @param {(path: string[]) => boolean} [spread] which objects stay spread, by their keys from the top
 * @returns {string} the text, with a final newline
 */
function formatJson(value, spread = () => false) {
  return `${printJson(value, [], 0, 0, spread)}\n`;
}

/**
 * One value of {@link formatJson}, at `path`, starting at `column` and followed on its line by `after`
 * characters (its comma).
 * @param {unknown} value
 * @param {string[]} path
 * @param {number} column
 * @param {number} after
 * @param {(path: string[]) => boolean} spread
 * @returns {string}
 */
function printJson(value, path, column, after, spread) {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const depth = path.length;
  const inner = INDENT.repeat(depth + 1);
  const close = `\n${INDENT.repeat(depth)}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item, index) =>
      printJson(item, [...path, String(index)], inner.length, index < value.length - 1 ? 1 : 0, spread),
    );
    const line = `[${items.join(', ')}]`;
    if (!spreadsArray(value) && fits(line, column, after)) return line;
    if (value.every((item) => typeof item === 'number')) return `[\n${fill(items, inner)}${close}]`;
    return `[\n${items.map((item) => `${inner}${item}`).join(',\n')}${close}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const members = entries.map(([key, item], index) => {
    const name = `${JSON.stringify(key)}: `;
    const last = index === entries.length - 1;
    return `${name}${printJson(item, [...path, key], inner.length + name.length, last ? 0 : 1, spread)}`;
  });
  const line = `{ ${members.join(', ')} }`;
  if (!spread(path) && fits(line, column, after)) return line;
  return `{\n${members.map((member) => `${inner}${member}`).join(',\n')}${close}}`;
}

/**
 * Whether a one-line `text` fits between `column` and the `after` characters that follow it.
 * @param {string} text
 * @param {number} column
 * @param {number} after
 */
function fits(text, column, after) {
  return !text.includes('\n') && column + text.length + after <= PRINT_WIDTH;
}

/**
 * Prettier's rule: an array of two or more objects, or of two or more arrays, each with two or more
 * entries, takes one line per entry.
 * @param {unknown[]} items
 */
function spreadsArray(items) {
  const size = (/** @type {unknown} */ item) =>
    typeof item === 'object' && item !== null ? Object.keys(item).length : 0;
  return (
    items.length > 1 &&
    (items.every((item) => Array.isArray(item) && size(item) > 1) ||
      items.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item) && size(item) > 1))
  );
}

/**
 * Numbers as Prettier lays out a long array of them: as many to a line as fit.
 * @param {string[]} items
 * @param {string} indent
 */
function fill(items, indent) {
  const lines = [];
  let line = '';
  for (const [index, item] of items.entries()) {
    const text = index < items.length - 1 ? `${item},` : item;
    if (line === '') line = `${indent}${text}`;
    else if (line.length + 1 + text.length <= PRINT_WIDTH) line += ` ${text}`;
    else {
      lines.push(line);
      line = `${indent}${text}`;
    }
  }
  return [...lines, line].join('\n');
}

/**
 * A rule that formats the files under `dirs` with the repository's Prettier and its configuration,
 * the way `prettier --check .` checks them: files it ignores (.prettierignore, .gitignore) or has no
 * parser for stay as they are, and so does everything when the repository has no Prettier or no
 * configuration for it. Paths are relative to the working directory, the root of the tree.
 * @param {string[]} dirs
 * @returns {import('@angular-devkit/schematics').Rule}
 */
function formatWithPrettier(dirs) {
  return async (tree) => {
    const root = process.cwd();
    const prettier = repositoryPrettier(root);
    if (!prettier) return;
    /** @type {string[]} */
    const paths = [];
    for (const dir of dirs) tree.getDir(dir).visit((path) => void paths.push(path.slice(1)));
    const ignorePath = ['.gitignore', '.prettierignore'].map((file) => join(root, file));
    for (const path of paths) {
      const filepath = join(root, path);
      const { ignored, inferredParser } = await prettier.getFileInfo(filepath, { ignorePath });
      const config = ignored || !inferredParser ? null : await prettier.resolveConfig(filepath, { editorconfig: true });
      if (!config) continue;
      const text = tree.readText(path);
      const formatted = await prettier.format(text, { ...config, filepath });
      if (formatted !== text) tree.overwrite(path, formatted);
    }
  };
}

/**
 * Prettier, resolved from the repository the way its `prettier --check` finds it; `undefined` without one.
 * @param {string} root
 * @returns {typeof import('prettier') | undefined}
 */
function repositoryPrettier(root) {
  const resolve = createRequire(join(root, 'package.json'));
  try {
    return resolve('prettier');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

module.exports = { PRINT_WIDTH, formatJson, formatWithPrettier };
