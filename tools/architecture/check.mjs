// CLI: `node tools/architecture/check.mjs [--root <dir>]` — exits 1 on any boundary violation.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkArchitecture, formatSummary, formatViolation } from './check-architecture.mjs';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({ options: { root: { type: 'string' } } });
const root = resolve(values.root ?? repositoryRoot);

try {
  const report = await checkArchitecture(root);
  for (const violation of report.violations) console.error(formatViolation(violation));
  if (report.violations.length > 0) {
    console.error(`architecture: ${report.violations.length} violation(s) in ${root}`);
    process.exitCode = 1;
  } else {
    console.log(formatSummary(report));
  }
} catch (error) {
  // A crash must fail the build too, but distinguishably from a violation.
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
