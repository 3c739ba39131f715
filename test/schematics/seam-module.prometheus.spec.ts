// The seam-module schematic's edit of deploy/prometheus.yml: a generated module is scraped where
// the Compose deployment runs it, on the HTTP port its topology gives it, and the rest of the file
// (comments, the flow styles `yaml` would rewrite) stays as written.
import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { repositoryText } from './support/schematic-cases.js';

const require = createRequire(import.meta.url);
const { addToScrapeConfig } = require('../../tools/schematics/seam-module/prometheus.js') as {
  addToScrapeConfig: (
    text: string,
    name: string,
    modules: string[],
    topologies: unknown,
  ) => { text: string; summary: string } | { skipped: string } | { problem: string } | undefined;
};
const { addModule } = require('../../tools/schematics/seam-module/topologies.js') as {
  addModule: (document: unknown, name: string) => { document: { modules: string[]; topologies: object } };
};

const PROMETHEUS = repositoryText('deploy/prometheus.yml');
const TOPOLOGIES = JSON.parse(repositoryText('topologies.json')) as { modules: string[]; topologies: object };
const NAME = 'zz-probe';
const placed = addModule(TOPOLOGIES, NAME).document;
const newPort = (placed.topologies as Record<string, { modules: Record<string, { httpPort?: number }> }>)['split-tcp']!
  .modules[NAME]!.httpPort;

describe('addToScrapeConfig', () => {
  it("adds the module to deploy/prometheus.yml's compose job, on its split-tcp httpPort, after the last module", () => {
    const result = addToScrapeConfig(PROMETHEUS, NAME, TOPOLOGIES.modules, placed);
    const last = TOPOLOGIES.modules.at(-1)!;

    expect(result).toEqual({
      text: expect.any(String),
      summary: `target ${NAME}:${newPort} in job seam-compose (a copy of the ${last} target)`,
    });
    const text = (result as { text: string }).text;
    const added = `      - targets: ["${NAME}:${newPort}"]\n        labels: { process: ${NAME}-service }\n`;
    expect(text.replace(added, '')).toBe(PROMETHEUS);
    const job = (
      parse(text) as { scrape_configs: Array<{ job_name: string; static_configs?: unknown[] }> }
    ).scrape_configs.find(({ job_name }) => job_name === 'seam-compose')!;
    expect(job.static_configs!.at(-1)).toEqual({
      targets: [`${NAME}:${newPort}`],
      labels: { process: `${NAME}-service` },
    });
  });

  it('leaves a file without module targets to the others (undefined), and names one it cannot follow', () => {
    expect(
      addToScrapeConfig('services:\n  orders:\n    image: seam\n', NAME, TOPOLOGIES.modules, placed),
    ).toBeUndefined();
    const last = TOPOLOGIES.modules.at(-1)!;
    const foreignPort = PROMETHEUS.replace(new RegExp(`"${last}:\\d+"`), `"${last}:9999"`);
    expect(addToScrapeConfig(foreignPort, NAME, TOPOLOGIES.modules, placed)).toEqual({
      problem: expect.stringContaining(`its job seam-compose scrapes ${last} on port 9999`),
    });
  });
});
