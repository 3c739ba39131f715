#!/usr/bin/env node
// @ts-check
// `npm run add:module -- <name> [--dry-run]`: the seam-module schematic, run by the same schematics
// engine `nest g -c @seam/schematics seam-module <name>` runs it with. Unlike the Nest CLI, this
// keeps the name exactly as typed (the CLI rewrites `ShipIt` to `ship-it`), asks no question about
// a project, and exits with status 1 when the schematic refuses (the Nest CLI exits 0).
const { spawnSync } = require('node:child_process');

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name.startsWith('-')) {
  console.error('Usage: npm run add:module -- <name> [--dry-run]   (a kebab-case module name, e.g. shipping)');
  process.exit(2);
}

// Resolved from the repository, as the Nest CLI resolves it.
const engine = require.resolve('@angular-devkit/schematics-cli/bin/schematics.js', { paths: [process.cwd()] });
// The name goes in as the first argument after `--`, which the schema takes for `name`: the engine
// reads option values as numbers or booleans where they look like one (`--name=` became 0, `--name=123`
// 123, `--name=true` true, each refused as "must be string"), but leaves arguments as typed.
const run = spawnSync(process.execPath, [engine, '@seam/schematics:seam-module', ...rest, '--', name], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
