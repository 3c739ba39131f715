import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { repositoryFile } from './support/shipped.js';

const text = repositoryFile('deploy/prometheus.yml');

describe('deploy/prometheus.yml', () => {
  it('runs Prometheus, as its comment says, so that it reaches every host its jobs name: host.docker.internal on Linux too', () => {
    const config = parse(text) as { scrape_configs: Array<{ static_configs?: Array<{ targets: string[] }> }> };
    const targets = config.scrape_configs.flatMap((job) => job.static_configs ?? []).flatMap((group) => group.targets);
    expect(targets.some((target) => target.startsWith('host.docker.internal:'))).toBe(true);
    // The documented command, its comment lines joined where they end in a backslash.
    const command = text
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .map((line) => line.replace(/^#\s?/, ''))
      .join('\n')
      .replaceAll(/\\\n\s*/g, ' ')
      .split('\n')
      .find((line) => /^\s*docker run\b/.test(line));
    // Docker Engine on Linux has no host.docker.internal unless the container is given it.
    expect(command).toMatch(/\s--add-host[= ]host\.docker\.internal:host-gateway\s/);
    expect(command).toMatch(/\sprom\/prometheus\s*$/);
  });
});
