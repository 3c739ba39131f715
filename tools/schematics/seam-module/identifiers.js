// @ts-check
// Whether the names a module's files declare (`<Name>Module`, `<name>Data`, …) would collide with a
// name already bound where they land: a template's own imports (`define-module` makes
// `defineModuleData`, the function its data file imports) or the monolith's module list (`local`
// makes `LocalModule`, the interface modules.ts declares). Either collision compiles to nothing.
const { readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { strings } = require('@angular-devkit/core');

/** The templates of a module's files, next to this file. */
const FILES = join(__dirname, 'files');

/** A name made of the module's name and a fixed prefix or suffix in a template, e.g. `Create<%= classify(name) %>Item`. */
const DERIVED = /([A-Za-z0-9_$]*)<%=\s*(classify|camelize)\(name\)\s*%>([A-Za-z0-9_$]*)/g;
/** A template tag, left out of the names a template binds. */
const TAG = /<%[\s\S]*?%>/g;
/** An identifier (or a word of a comment: a false alarm there only refuses a rare name). */
const WORD = /[A-Za-z_$][A-Za-z0-9_$]*/g;

/**
 * @typedef {object} Source
 * @property {string} path where it is (or will be), for the message
 * @property {string} text its text; for a template, the template itself
 */

/**
 * The templates of the files every module gets, with the path each file will have for `name`.
 * @param {string} name
 * @returns {Source[]}
 */
function templateSources(name) {
  return /** @type {string[]} */ (readdirSync(FILES, { recursive: true, encoding: 'utf8' }))
    .filter((path) => path.endsWith('.template'))
    .toSorted()
    .map((path) => ({
      path: path
        .replaceAll('\\', '/')
        .replaceAll('__name@dasherize__', name)
        .replace(/__\w*timestamp__/gi, '<timestamp>')
        .replace(/\.template$/, ''),
      text: readFileSync(join(FILES, path), 'utf8'),
    }));
}

/**
 * The names the module's files declare or import from each other, as the templates spell them for `name`.
 * @param {string} name a well-formed module name
 * @param {readonly Source[]} templates
 * @returns {Set<string>}
 */
function derivedNames(name, templates) {
  const spelled = { classify: strings.classify(name), camelize: strings.camelize(name) };
  const names = new Set([`${spelled.classify}Module`, `${spelled.camelize}Data`]);
  for (const { text } of templates) {
    for (const [, before, how, after] of text.matchAll(DERIVED)) {
      names.add(`${before}${spelled[/** @type {'classify' | 'camelize'} */ (how)]}${after}`);
    }
  }
  return names;
}

/**
 * Where a name the module's files would declare is bound already, as an error message, or
 * `undefined` when every one is free. `templates` are searched outside their tags, `others` (the
 * files the generator edits, such as the monolith's module list) as they are.
 * @param {string} name a well-formed module name
 * @param {readonly Source[]} templates
 * @param {readonly Source[]} others
 * @returns {string | undefined}
 */
function identifierClash(name, templates, others) {
  const derived = derivedNames(name, templates);
  const sources = [...templates.map(({ path, text }) => ({ path, text: text.replaceAll(TAG, ' ') })), ...others];
  for (const { path, text } of sources) {
    const taken = [...new Set(text.match(WORD) ?? [])].filter((word) => derived.has(word));
    if (taken.length > 0) {
      return (
        `Module name "${name}" would make ${taken.join(', ')}, a name ${path} already uses: the generated code ` +
        'would not compile. Nothing was written; choose another name.'
      );
    }
  }
  return undefined;
}

module.exports = { identifierClash, templateSources };
