// The Nest CLI's rspack builder (nest-cli.json) calls this with its defaults for each app: swc with
// decorator metadata, ES module output, node_modules and Node built-ins left external, and the
// tsconfig path aliases (@seam/*, @contracts/*, @modules/*) bundled in. What it adds: every app
// lands in dist/apps/<app>/, one file per entry, so that each app is `dist/apps/<app>/main.js`
// and the monolith's commands sit beside it (migrate.js, data-move.js, dead-letters.js); and the
// code is compiled as the tests and tsconfig.json compile it (see withProjectSwcOptions).
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * Packages bundled into each app instead of left in node_modules. A cold start spent most of its
 * time loading ~2,700 modules one file at a time (resolve, stat, read package.json, compile), a
 * fifth of them es-toolkit's, which @nestjs/swagger imports file by file. These packages are
 * imported by the app's own code only (and by each other), never by a package left external, so
 * the bundle holds the one copy there is: no class is loaded twice, no metadata store split.
 * Nest's own packages, rxjs and TypeORM stay external: many external packages import them.
 * class-transformer stays external: the door imports its CommonJS storage file by path, and a
 * bundled copy would resolve its ES build instead, a second metadata store.
 */
export const BUNDLED_PACKAGES = [
  '@nestjs/swagger',
  'es-toolkit',
  'class-validator',
  'validator',
  'libphonenumber-js',
  'jose',
  'cockatiel',
];

const PROJECT_ROOT = dirname(fileURLToPath(import.meta.url));

/** `pkg` of `pkg/file`, `@scope/pkg` of `@scope/pkg/file`. */
const packageOf = (request) =>
  request
    .split('/')
    .slice(0, request.startsWith('@') ? 2 : 1)
    .join('/');

const isBundled = (request) => BUNDLED_PACKAGES.includes(packageOf(request));

/** `pkg`, `pkg/file`, `@scope/pkg`: not relative, not absolute, not a Node built-in. */
const isBarePackage = (request) =>
  /^(@[\w-][\w.-]*\/)?[\w-][\w.-]*(\/|$)/.test(request) && !request.startsWith('node:');

/** Whether Node would find `request` from `context` in a node_modules below `root`'s own. */
function resolvesToNestedCopy(request, context, root) {
  if (!context || !isBarePackage(request)) return false;
  for (let dir = context; dir.startsWith(root) && dir !== root; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', packageOf(request)))) return true;
  }
  return false;
}

/**
 * The CLI's externals, except that a request for a bundled package is bundled. A bundled package
 * may import an optional one that is not installed (@nestjs/swagger's `import('@fastify/static')`,
 * for Fastify only): that stays an `import()` at run time, failing only if it runs, as it would
 * unbundled, where the CLI's externals would make the build fail on it.
 *
 * A bundled package's dependency installed in its own node_modules (@nestjs/swagger's js-yaml 5,
 * where the project's is another major, or none once dev dependencies are pruned) is bundled too:
 * left external, the bundle would import whichever copy the project root has.
 *
 * Written here rather than with webpack-node-externals' `allowlist`: that bundles the listed
 * packages but cannot make a bundled package's missing optional import external, nor turn a bundled
 * CommonJS package's require() of an external package into a real require().
 */
export function withBundledPackages(externals, root = PROJECT_ROOT) {
  // The only files under node_modules that rspack reads are the bundled packages'.
  const fromBundledPackage = (data) => /[\\/]node_modules[\\/]/.test(data.context ?? '');
  return externals.map((external) =>
    typeof external === 'function'
      ? (data, callback) => {
          if (data.request && (isBundled(data.request) || resolvesToNestedCopy(data.request, data.context, root)))
            return callback();
          return external(data, (error, result) => {
            // A bundled CommonJS package's require() of an external one stays a real require():
            // an ES import of it would see only what Node's export detection finds.
            if (typeof result === 'string' && data.dependencyType === 'commonjs')
              return callback(error, result.replace(/^module /, 'node-commonjs '));
            if (error || result !== undefined) return callback(error, result);
            const optional = data.request && fromBundledPackage(data) && isBarePackage(data.request);
            const type = data.dependencyType === 'commonjs' ? 'node-commonjs' : 'import';
            return optional ? callback(null, `${type} ${data.request}`) : callback();
          });
        }
      : external,
  );
}

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
    module: {
      ...defaults.module,
      rules: [
        ...withProjectSwcOptions(defaults.module.rules),
        // A bundled package's `createRequire(import.meta.url)` (Swagger UI's assets) resolves from
        // the bundle at run time, as a require from the app would: by default rspack writes the
        // package's build-time path in, which a moved or copied build would not have.
        { test: /[\\/]node_modules[\\/]/, parser: { importMeta: false } },
      ],
    },
    externals: withBundledPackages(defaults.externals),
    output: { ...defaults.output, path: resolve('dist/apps', app), filename: '[name].js', clean: true },
    // Unminified, so that class names (TypeORM migration names, Nest provider tokens) survive.
    optimization: { ...defaults.optimization, minimize: false },
  };
}
