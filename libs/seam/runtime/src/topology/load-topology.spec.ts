import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadTopology } from './load-topology.js';
import { TopologyError } from './topology.js';

const dir = mkdtempSync(join(tmpdir(), 'seam-load-topology-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MIXED = `"mixed": { "monolith": { "address": "tcp://127.0.0.1:4100" },
  "modules": { "catalog": "monolith", "payments": { "service": "tcp://127.0.0.1:4104" } } }`;
const IN_ONE = `"mixed": { "modules": { "catalog": "monolith", "payments": "monolith" } }`;

/** Loads topology `mixed` from a file holding `text`. */
function load(text: string) {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  return loadTopology({ SEAM_TOPOLOGY: 'mixed', SEAM_TOPOLOGY_FILE: file });
}

/** The problems loading `text` is refused with. */
function problems(text: string): readonly string[] {
  try {
    load(text);
  } catch (error) {
    if (error instanceof TopologyError) return error.problems;
    throw error;
  }
  throw new Error('expected a TopologyError, got an accepted topology');
}

describe('loadTopology', () => {
  it('reads a file saved with a byte order mark', () => {
    const topology = load(`\uFEFF{ "modules": ["catalog", "payments"], "topologies": { ${MIXED} } }`);
    expect(topology.services.map(({ module }) => module)).toEqual(['payments']);
  });

  it('refuses a topology written twice, rather than keeping the last one', () => {
    expect(problems(`{ "modules": ["catalog", "payments"], "topologies": { ${MIXED}, ${IN_ONE} } }`)).toEqual([
      '"topologies.mixed" is written twice, and JSON keeps only the last: rename or remove one',
    ]);
  });

  it('refuses a module placed twice in one topology, naming where', () => {
    const twice = `"mixed": { "modules": { "catalog": "monolith", "payments": "monolith", "payments" : { "service": "tcp://127.0.0.1:4104" } } }`;
    expect(problems(`{ "modules": ["catalog", "payments"], "topologies": { ${twice} } }`)).toEqual([
      '"topologies.mixed.modules.payments" is written twice, and JSON keeps only the last: rename or remove one',
    ]);
  });

  it('takes one key in sibling objects, and strings that look like keys, as no duplicate', () => {
    const split = `"split": { "description": "\\"mixed\\": a \\\\ {copy} [of] it", "modules": { "catalog": { "service": "tcp://127.0.0.1:4102" }, "payments": { "service": "tcp://127.0.0.1:4104" } } }`;
    const topology = load(`{ "modules": ["catalog", "payments"], "topologies": { ${MIXED}, ${split} } }`);
    expect(topology.name).toBe('mixed');
  });
});
