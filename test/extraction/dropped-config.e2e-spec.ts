import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { builtEntry, ensureBuilt, spawnService } from '@seam/testing';
import { deriveMeshKeys } from '@seam/transport';

const MODULES = ['identity', 'catalog', 'inventory', 'payments', 'orders'];
const dir = mkdtempSync(join(tmpdir(), 'seam-dropped-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Mesh keys as `npm run mesh:keys -- --process <self>` derives them for every module of the system. */
const keysOf = (self: string) =>
  JSON.stringify(
    deriveMeshKeys({ master: Buffer.alloc(32, 5), keyIds: ['k1'], self: [self], identities: [...MODULES, 'edge'] }),
  );

/** Topology `t` with payments extracted at `address`, the rest in the monolith; `extra` follows it in the file. */
function topologyFile(address: string, extra = ''): string {
  const modules = MODULES.map((module) =>
    module === 'payments' ? `"payments": { "service": "${address}" }` : `"${module}": "monolith"`,
  );
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    file,
    `{ "modules": ${JSON.stringify(MODULES)}, "topologies": { "t": { "monolith": { "address": "tcp://127.0.0.1:4100" }, ` +
      `"modules": { ${modules.join(', ')} } }${extra} } }`,
  );
  return file;
}

/**
 * Starts the built payments service, which must refuse to start; answers everything it printed
 * and what its data directory holds (nothing: it refused before opening its database).
 */
async function refusal(env: Record<string, string>): Promise<{ output: string; files: string[] }> {
  const dataDir = mkdtempSync(join(dir, 'data-'));
  const error = await spawnService({
    entry: builtEntry('payments-service'),
    env: { NO_COLOR: '1', DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0', SEAM_TOPOLOGY: 't', ...env },
    readyLine: /ready$/,
  }).then(
    async (started) => {
      await started.stop();
      throw new Error(`payments-service started:\n${started.output()}`);
    },
    (caught: Error) => caught,
  );
  expect(error.message).toMatch(/exited \(1\) before it was ready/);
  return { output: error.message, files: readdirSync(dataDir) };
}

describe('an extracted service refuses configuration it would otherwise drop without a word (built app)', () => {
  beforeAll(async () => {
    await ensureBuilt(['payments-service']);
  }, 180_000);

  it('a Redis database written as a query (?db=3), which would run on database 0', async () => {
    const { output, files } = await refusal({
      SEAM_TOPOLOGY_FILE: topologyFile('redis://127.0.0.1:6379?db=3'),
      SEAM_MESH_KEYS: keysOf('payments'),
    });
    expect(output).toContain('module "payments": "redis://127.0.0.1:6379?db=3" has a query, which no transport reads');
    expect(files).toEqual([]);
  });

  it('a misspelt address override, which would leave payments on the address of the file', async () => {
    const { output, files } = await refusal({
      SEAM_TOPOLOGY_FILE: topologyFile('tcp://127.0.0.1:4104'),
      SEAM_PAYMENT_ADDRESS: 'tcp://payments.internal:4104',
      SEAM_MESH_KEYS: keysOf('payments'),
    });
    expect(output).toContain('SEAM_PAYMENT_ADDRESS is set, but names no module of this system');
    expect(files).toEqual([]);
  });

  it('a topology written twice in the file, of which JSON keeps the last', async () => {
    const { output, files } = await refusal({
      SEAM_TOPOLOGY_FILE: topologyFile('tcp://127.0.0.1:4104', ', "t": { "modules": {} }'),
      SEAM_MESH_KEYS: keysOf('payments'),
    });
    expect(output).toContain('"topologies.t" is written twice, and JSON keeps only the last');
    expect(files).toEqual([]);
  });

  it("another process's mesh keys, with which it would report ready and fail every call", async () => {
    const { output, files } = await refusal({
      SEAM_TOPOLOGY_FILE: topologyFile('tcp://127.0.0.1:4104'),
      SEAM_MESH_KEYS: keysOf('orders'),
    });
    expect(output).toMatch(
      /SEAM_MESH_KEYS: holds the keys of \d+ pairs this process is not part of \(catalog~orders, /,
    );
    expect(output).toContain('this one speaks as payments');
    expect(files).toEqual([]);
  });
});
