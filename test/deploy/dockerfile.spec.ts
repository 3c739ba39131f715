import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { SEAM_NODE_FLAGS } from '@seam/runtime';
import { type Copy, DockerfileParser, type Healthcheck, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { clusterPlan } from '../../tools/deploy/cluster-plan.js';
import { contractAccess } from '../../tools/deploy/contract-access.js';
import { kubernetesManifests } from '../../tools/deploy/k8s-manifests.js';
import { REPOSITORY_ROOT, repositoryFile, shippedTopology, shippedTopologyNames } from './support/shipped.js';

const text = repositoryFile('deploy/Dockerfile');
const dockerfile = DockerfileParser.parse(text);

/** The instructions of each stage, by stage name (a stage starts at its FROM). */
const stages = new Map<string, Instruction[]>();
{
  let current: Instruction[] | undefined;
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      current = [];
      stages.set(instruction.getArguments().at(-1)!.getValue(), current);
    }
    current?.push(instruction);
  }
}
const [finalName, finalStage] = [...stages].at(-1)!;
const withKeyword = (instructions: Instruction[], keyword: string) =>
  instructions.filter((instruction) => instruction.getKeyword() === keyword);
const content = (instruction: Instruction) => instruction.getArgumentsContent() ?? '';
const runs = [...stages.values()].flatMap((instructions) => withKeyword(instructions, 'RUN').map(content));

/** Where the module generator places the next module in a topology (tools/schematics, CommonJS). */
const { placementFor } = createRequire(import.meta.url)('../../tools/schematics/seam-module/topologies.js') as {
  placementFor: (topology: unknown) => 'monolith' | { service: string; httpPort?: number };
};

describe('deploy/Dockerfile', () => {
  it('has no syntax problem that the Dockerfile language service reports', () => {
    expect(validate(text).map(({ message, range }) => `line ${range.start.line + 1}: ${message}`)).toEqual([]);
  });

  it('builds in one stage and runs from another, which copies only the build output', () => {
    expect([...stages.keys()]).toEqual(['build', 'runtime']);
    const fromBuild = withKeyword(finalStage, 'COPY').filter((copy) => (copy as Copy).getFromFlag());
    expect(fromBuild.map((copy) => (copy as Copy).getFromFlag()!.getValue())).toEqual(['build', 'build', 'build']);
  });

  it('installs from the lockfile with npm ci, never npm install, and drops the dev dependencies', () => {
    expect(runs.some((run) => /\bnpm ci\b/.test(run))).toBe(true);
    expect(runs.filter((run) => /\bnpm (install|i|add)\b/.test(run))).toEqual([]);
    expect(runs.some((run) => /\bnpm prune --omit=dev\b|\bnpm ci\b[^&]*--omit=dev/.test(run))).toBe(true);
  });

  it('copies into the build stage every file the build reads from the repository', () => {
    const copied = withKeyword(stages.get('build')!, 'COPY').flatMap((copy) =>
      copy
        .getArguments()
        .slice(0, -1)
        .map((argument) => argument.getValue()),
    );
    const isCopied = (file: string) =>
      copied.some((source) => file === source || file.startsWith(`${source.replace(/\/$/, '')}/`));
    const read = filesTheBuildReads();
    // The reader finds what rspack.config.js loads besides sources: at least its compiler options.
    expect(read).toEqual(expect.arrayContaining(['.swcrc', 'rspack.config.js', 'tsconfig.json']));
    expect(read.filter((file) => !isCopied(file))).toEqual([]);
  });

  it('builds every deployable: every app of nest-cli.json, which are the monolith and a service per module, each a Nest app that exists', () => {
    // `--all`: no list of apps to fall behind nest-cli.json.
    expect(
      runs.filter((run) => /\bnest build\b/.test(run)).map((run) => /\bnest build( [^&\\]*)?/.exec(run)![0].trim()),
    ).toEqual(['nest build --all']);
    const projects = (
      JSON.parse(repositoryFile('nest-cli.json')) as {
        projects: Record<
          string,
          { type: string; sourceRoot: string; entryFile: string; compilerOptions: { tsConfigPath: string } }
        >;
      }
    ).projects;
    const apps = Object.keys(projects).filter((name) => projects[name]!.type === 'application');
    const modules = shippedTopology('monolith').modules;
    expect(apps.toSorted()).toEqual(['monolith', ...modules.map((module) => `${module}-service`)].toSorted());
    for (const app of apps) {
      const project = projects[app];
      expect({
        app,
        entry: existsSync(join(REPOSITORY_ROOT, project!.sourceRoot, `${project!.entryFile}.ts`)),
      }).toEqual({ app, entry: true });
      // deploy/entrypoint.mjs runs dist/apps/<app>/main.js: the folder rspack.config.js bundles each app
      // into, and the outDir the Nest CLI empties before it builds that app.
      const { outDir } = (
        JSON.parse(repositoryFile(project!.compilerOptions.tsConfigPath)) as { compilerOptions: { outDir: string } }
      ).compilerOptions;
      expect({ app, outDir }).toEqual({ app, outDir: `../../dist/apps/${app}` });
    }
  });

  it('runs as a non-root user, by number, the one the Kubernetes manifests run as', () => {
    const users = withKeyword(finalStage, 'USER').map(content);
    const user = users.at(-1);
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(user!.split(':')[0]).not.toBe('0');
    const deployment = kubernetesManifests(clusterPlan(shippedTopology('split-tcp')), {
      image: 'seam:1',
      access: contractAccess(REPOSITORY_ROOT),
    }).find((object) => object.kind === 'Deployment');
    const podSecurity = (deployment as { spec: { template: { spec: { securityContext: { runAsUser: number } } } } })
      .spec.template.spec.securityContext;
    expect(String(podSecurity.runAsUser)).toBe(user!.split(':')[0]);
  });

  it('checks /health with node and the script the image carries', () => {
    const [healthcheck] = withKeyword(finalStage, 'HEALTHCHECK') as Healthcheck[];
    expect(healthcheck?.getSubcommand()?.getValue()).toBe('CMD');
    expect(JSON.parse(content(healthcheck!).replace(/^CMD\s+/, ''))).toEqual(['node', 'deploy/healthcheck.mjs']);
    expect(withKeyword(finalStage, 'COPY').map(content).join(' ')).toContain('deploy/healthcheck.mjs');
    expect(repositoryFile('deploy/healthcheck.mjs')).toMatch(/fetch\(/);
  });

  it('stops with SIGTERM, which tini hands to node: the entrypoint is exec form', () => {
    expect(withKeyword(finalStage, 'STOPSIGNAL').map(content)).toEqual(['SIGTERM']);
    const entrypoints = withKeyword(finalStage, 'ENTRYPOINT').map(content);
    expect(entrypoints).toHaveLength(1);
    expect(JSON.parse(entrypoints[0]!)).toEqual([
      '/usr/bin/tini',
      '--',
      'node',
      ...SEAM_NODE_FLAGS,
      'deploy/entrypoint.mjs',
    ]);
    expect(runs.some((run) => /apt-get install .*\btini\b/.test(run))).toBe(true);
    expect(finalName).toBe('runtime');
  });

  describe('EXPOSE', () => {
    const exposed = withKeyword(finalStage, 'EXPOSE').flatMap((expose) =>
      expose.getArguments().map((argument) => argument.getValue()),
    );
    const range = (entry: string) => entry.split('-').map(Number) as [number, number?];
    const covers = (entry: string, port: number) => {
      const [low, high = low] = range(entry);
      return port >= low && port <= high;
    };
    const covered = (port: number) => exposed.some((entry) => covers(entry, port));
    const topologyPorts = shippedTopologyNames().flatMap((name) => {
      const plan = clusterPlan(shippedTopology(name));
      return plan.deployables.flatMap(({ httpPort, tcpPort }) => (tcpPort ? [httpPort, tcpPort] : [httpPort]));
    });

    it('exposes every port the shipped topologies listen on', () => {
      expect(topologyPorts.filter((port) => !covered(port))).toEqual([]);
    });

    it('exposes the ports the module generator gives the next module, so that adding one needs no edit here', () => {
      const topologies = (JSON.parse(repositoryFile('topologies.json')) as { topologies: Record<string, unknown> })
        .topologies;
      const next = Object.entries(topologies).flatMap(([name, topology]) => {
        const placement = placementFor(topology);
        if (placement === 'monolith') return [];
        const tcp = /^tcp:\/\/.+:(\d+)$/.exec(placement.service)?.[1];
        return [...(tcp ? [Number(tcp)] : []), ...(placement.httpPort ? [placement.httpPort] : [])].map((port) => ({
          name,
          port,
        }));
      });
      expect(next.length).toBeGreaterThan(0);
      expect(next.filter(({ port }) => !covered(port))).toEqual([]);
    });

    it('exposes only blocks that a shipped topology uses, each of at most a hundred ports', () => {
      expect(exposed.filter((entry) => !topologyPorts.some((port) => covers(entry, port)))).toEqual([]);
      expect(exposed.filter((entry) => (range(entry)[1] ?? range(entry)[0]) - range(entry)[0] >= 100)).toEqual([]);
    });
  });

  it('copies only files that exist and that .dockerignore lets into the context', () => {
    const ignored = dockerignore(repositoryFile('.dockerignore'));
    const sources = [...stages.values()]
      .flatMap((instructions) => withKeyword(instructions, 'COPY'))
      .filter((copy) => !(copy as Copy).getFromFlag())
      .flatMap((copy) =>
        copy
          .getArguments()
          .slice(0, -1)
          .map((argument) => argument.getValue()),
      );
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect({ source, exists: existsSync(join(REPOSITORY_ROOT, source)), ignored: ignored(source) }).toEqual({
        source,
        exists: true,
        ignored: false,
      });
    }
    for (const secret of ['.env', 'deploy/.env', 'node_modules', 'dist', '.git'])
      expect({ secret, ignored: ignored(secret) }).toEqual({ secret, ignored: true });
  });
});

/**
 * The repository files `npx nest build --all` reads, from the files that say so: the lockfile and
 * manifest `npm ci` installs from; nest-cli.json, each project's sources and tsconfig (and what it
 * extends); rspack.config.js (which the CLI loads from the root) and every path it names with
 * `new URL('…', import.meta.url)` or `resolve('…')` — a file it reads at load (.swcrc) is as needed
 * as a source.
 */
function filesTheBuildReads(): string[] {
  const nest = JSON.parse(repositoryFile('nest-cli.json')) as {
    compilerOptions?: { tsConfigPath?: string };
    projects: Record<string, { sourceRoot: string; compilerOptions?: { tsConfigPath?: string } }>;
  };
  const files = new Set(['package.json', 'package-lock.json', 'nest-cli.json', 'rspack.config.js']);
  const withExtends = (tsconfig: string): void => {
    if (files.has(tsconfig)) return;
    files.add(tsconfig);
    const parent = (JSON.parse(repositoryFile(tsconfig)) as { extends?: string }).extends;
    if (parent?.startsWith('.')) withExtends(posix.join(posix.dirname(tsconfig), parent));
  };
  for (const project of [nest, ...Object.values(nest.projects)]) {
    if (project.compilerOptions?.tsConfigPath) withExtends(project.compilerOptions.tsConfigPath);
    if ('sourceRoot' in project) files.add(project.sourceRoot);
  }
  const rspack = repositoryFile('rspack.config.js');
  for (const [, path] of [
    ...rspack.matchAll(/new URL\(\s*'([^']+)',\s*import\.meta\.url\s*\)/g),
    ...rspack.matchAll(/\bresolve\(\s*'([^']+)'\s*\)/g),
  ])
    files.add(posix.normalize(path!));
  return [...files];
}

/** Whether `.dockerignore` keeps a path out of the build context (its last matching line decides, `!` lets back in). */
function dockerignore(file: string): (path: string) => boolean {
  const rules = file
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = posix.normalize(line.replace(/^!/, '')).replace(/^\//, '');
      const source = pattern
        .replaceAll(/[.+^${}()|[\]\\]/g, String.raw`\$&`)
        .replaceAll('**/', '\0')
        .replaceAll('*', '[^/]*')
        .replaceAll('?', '[^/]')
        .replaceAll('\0', '(.*/)?');
      return { negated, regex: new RegExp(`^${source}(/.*)?$`) };
    });
  return (path) => rules.reduce((ignored, rule) => (rule.regex.test(path) ? !rule.negated : ignored), false);
}
