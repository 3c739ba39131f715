// The Nest CLI's rspack builder (nest-cli.json) calls this with its defaults for each app: swc with
// decorator metadata, ES module output, node_modules and Node built-ins left external, and the
// tsconfig path aliases (@seam/*, @contracts/*, @modules/*) bundled in. What it adds: every app
// lands in dist/apps/<app>/, one file per entry, so that each app is `dist/apps/<app>/main.js`
// and the monolith's commands sit beside it (migrate.js, data-move.js, dead-letters.js); and the
// code is compiled as the tests and tsconfig.json compile it (see withProjectSwcOptions).
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Entries besides main.ts, per app: the monolith's one-shot commands. */
const EXTRA_ENTRIES = { monolith: ['migrate', 'data-move', 'dead-letters'] };

/**
 * The CLI's swc-loader compiles for ES2021 with class fields defined (`Object.defineProperty` for
 * every field of every instance, through a helper), while .swcrc — what tsconfig.json, jest and
 * the SWC loader that runs sources also say — compiles for ES2023 with fields assigned. So the
 * build shipped other semantics than the ones tested, and paid a helper call per field per object:
 * the built monolith's read cost ~15% more CPU than the same code run from source (bench:adapters
 * and bench:topology, 2026-12-05). Here the loader gets .swcrc's compiler options.
 */
const PROJECT_JSC = JSON.parse(readFileSync(new URL('.swcrc', import.meta.url), 'utf8')).jsc;

function withProjectSwcOptions(rules) {
  const project = (use) =>
    use?.loader === 'builtin:swc-loader' ? { ...use, options: { ...use.options, jsc: PROJECT_JSC } } : use;
  return rules.map((rule) => (Array.isArray(rule.use) ? { ...rule, use: rule.use.map(project) } : rule));
}

export default function seamRspackConfig(defaults) {
  const sourceRoot = dirname(resolve(defaults.entry));
  const app = basename(dirname(sourceRoot));
  const entry = { main: resolve(defaults.entry) };
  // Every app gets the tracing set-up beside it, loaded first with `node --import` (docs/tracing.md).
  entry.tracing = resolve('libs/seam/runtime/src/tracing/register.ts');
  for (const name of EXTRA_ENTRIES[app] ?? []) {
    const file = join(sourceRoot, `${name}.ts`);
    if (!existsSync(file)) throw new Error(`rspack.config.js: ${app} has no ${name}.ts (EXTRA_ENTRIES)`);
    entry[name] = file;
  }
  return {
    entry,
    module: { ...defaults.module, rules: withProjectSwcOptions(defaults.module.rules) },
    output: { ...defaults.output, path: resolve('dist/apps', app), filename: '[name].js', clean: true },
    // Unminified, so that class names (TypeORM migration names, Nest provider tokens) survive.
    optimization: { ...defaults.optimization, minimize: false },
  };
}
