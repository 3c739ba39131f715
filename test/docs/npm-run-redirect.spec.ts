// A command the docs show as `npm run <script> … > file` writes npm's own banner
// (`> seam@0.1.0 <script>` and the command line) into the file before the script's output, so the
// file is not what the script printed: `kubectl apply -f` refuses such a manifest. Only
// `npm run -s` (`--silent`) leaves standard output to the script.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = [
  'README.md',
  'docs/deploy.md',
  'docs/metrics.md',
  'docs/tracing.md',
  'docs/modules.md',
  'docs/replicas.md',
];

/** Lines of the fenced code blocks of a Markdown text, with their line numbers. */
function codeLines(markdown: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fenced = false;
  for (const [index, text] of markdown.split('\n').entries()) {
    if (/^\s*```/.test(text)) fenced = !fenced;
    else if (fenced) lines.push({ line: index + 1, text });
  }
  return lines;
}

/** Whether a shell line runs an npm script without `-s` and sends its standard output to a file. */
function redirectsNoisyNpmRun(text: string): boolean {
  const command = text.replace(/\s#.*$/, ''); // a comment may say "a shell's > would …"
  if (!/\bnpm run (?!-s\b|--silent\b)/.test(command)) return false;
  return /(^|[^0-9&>])>{1,2}(?!&)\s*\S/.test(command.replace(/^.*?\bnpm run /, ''));
}

describe('shell examples of the docs', () => {
  it.each(DOCS)('%s redirects no npm script output to a file without -s', (doc) => {
    const offending = codeLines(readFileSync(join(REPOSITORY_ROOT, doc), 'utf8'))
      .filter(({ text }) => redirectsNoisyNpmRun(text))
      .map(({ line, text }) => `${doc}:${line}: ${text.trim()}`);

    expect(offending).toEqual([]);
  });

  it('finds the redirect it is meant to find, and leaves -s, stderr and comments alone', () => {
    expect(redirectsNoisyNpmRun('npm run deploy:k8s -- split-tcp --namespace shop > seam.yaml')).toBe(true);
    expect(redirectsNoisyNpmRun('npm run deploy:k8s -- monolith >> all.yaml')).toBe(true);
    expect(redirectsNoisyNpmRun('npm run -s deploy:k8s -- split-tcp > seam.yaml')).toBe(false);
    expect(redirectsNoisyNpmRun('npm run --silent deploy:k8s -- split-tcp > seam.yaml')).toBe(false);
    expect(redirectsNoisyNpmRun('npm run migrate 2> errors.log')).toBe(false);
    expect(redirectsNoisyNpmRun('npm run migrate 2>&1 | tee out.log')).toBe(false);
    expect(redirectsNoisyNpmRun("npm run -s mesh:keys -- --out k.json   # a shell's > would leave them")).toBe(false);
  });
});
