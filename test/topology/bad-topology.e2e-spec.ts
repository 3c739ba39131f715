import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { builtEntry, ensureBuilt, freePort, spawnService } from '@seam/testing';
import { deriveMeshKeys } from '@seam/transport';

const paymentsKeys = JSON.stringify(
  deriveMeshKeys({
    master: Buffer.alloc(32, 2),
    keyIds: ['k1'],
    self: ['payments'],
    identities: ['payments', 'orders', 'edge'],
  }),
);

const MODULES = ['identity', 'catalog', 'inventory', 'payments', 'orders'];

/**
 * Starts a built app that must refuse to start; answers its exit code and everything it printed.
 * Its data directory must still be empty: a bad topology never half-starts (no database opened).
 */
async function refusal(app: string, env: Record<string, string>): Promise<{ output: string; files: string[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'seam-bad-topology-'));
  try {
    const error = await spawnService({
      entry: builtEntry(app),
      env: { NO_COLOR: '1', DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0', ...env },
      readyLine: /Listening on|ready$/,
    }).then(
      async (started) => {
        await started.stop();
        throw new Error(`${app} started:\n${started.output()}`);
      },
      (caught: Error) => caught,
    );
    expect(error.message).toMatch(/exited \(1\) before it was ready/);
    return { output: error.message, files: readdirSync(dataDir) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A topology file holding one topology `t` with the given module placements. */
function topologyFile(placements: Record<string, unknown>, monolith?: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'seam-topology-')), 'topologies.json');
  writeFileSync(
    file,
    JSON.stringify({ modules: MODULES, topologies: { t: { ...(monolith ? { monolith } : {}), modules: placements } } }),
  );
  return file;
}

const allIn = (place: (module: string) => unknown) =>
  Object.fromEntries(MODULES.map((module) => [module, place(module)]));

describe('a bad topology never half-starts (built apps as processes)', () => {
  beforeAll(async () => {
    // `npm test` builds every app before jest; a lone `npm run test:jest` builds here, once for
    // all the suites that start processes.
    await ensureBuilt(['monolith', 'payments-service']);
  }, 180_000);

  it('an unknown topology name: the monolith names the ones the file has', async () => {
    const { output, files } = await refusal('monolith', { SEAM_TOPOLOGY: 'split-tpc' });
    expect(output).toContain(
      'unknown topology "split-tpc": this file has "monolith", "split-tcp", "split-redis", "mixed"',
    );
    expect(files).toEqual([]);
  });

  it('an unknown transport and a missing address: a service reports both at once', async () => {
    const file = topologyFile(
      allIn((module) =>
        module === 'payments'
          ? { service: 'udp://127.0.0.1:4104' }
          : module === 'inventory'
            ? { replicas: 1 }
            : { service: `tcp://127.0.0.1:${4100 + MODULES.indexOf(module)}` },
      ),
    );
    const { output, files } = await refusal('payments-service', { SEAM_TOPOLOGY: 't', SEAM_TOPOLOGY_FILE: file });
    expect(output).toContain('module "payments": unknown transport "udp"');
    expect(output).toContain('missing address for module "inventory"');
    expect(files).toEqual([]);
  });

  it('a port clash and a module placed nowhere', async () => {
    const placements = allIn(() => ({ service: 'tcp://127.0.0.1:4999' }));
    delete placements.orders;
    const { output } = await refusal('monolith', { SEAM_TOPOLOGY: 't', SEAM_TOPOLOGY_FILE: topologyFile(placements) });
    expect(output).toContain('port clash: module "identity" and module "catalog" both listen on 127.0.0.1:4999');
    expect(output).toContain('module "orders" runs nowhere');
  });

  it('a service started in a topology that does not extract its module', async () => {
    const { output } = await refusal('payments-service', { SEAM_TOPOLOGY: 'monolith' });
    expect(output).toContain('This is the payments service, but in topology "monolith" payments runs in the monolith');
  });

  it('a service of a split topology without mesh keys: refuses to start, naming the variables and the opt-out', async () => {
    const { output } = await refusal('payments-service', { SEAM_TOPOLOGY: 'mixed', SEAM_MESH_KEYS: '' });
    expect(output).toContain('The payments service could not start');
    expect(output).toMatch(/SEAM_MESH_KEYS: this process talks to others .*SEAM_INSECURE_TRANSPORT=1/);
  });

  it('a SEAM_V8_PRETENURING that is neither on nor off: the monolith and a service refuse, naming it', async () => {
    for (const [app, who] of [
      ['monolith', 'The monolith'],
      ['payments-service', 'The payments service'],
    ] as const) {
      const { output, files } = await refusal(app, { SEAM_TOPOLOGY: 'mixed', SEAM_V8_PRETENURING: 'auto' });
      expect(output).toContain(
        `${who} could not start: SEAM_V8_PRETENURING must be on or off (1 or 0, true or false); got "auto"`,
      );
      expect(files).toEqual([]);
    }
  });

  it('an SQLITE_SYNCHRONOUS other than normal or full: the monolith refuses before opening a database', async () => {
    const { output, files } = await refusal('monolith', { SQLITE_SYNCHRONOUS: 'off' });
    expect(output).toContain('could not start: SQLITE_SYNCHRONOUS must be normal');
    expect(files).toEqual([]);
  });

  describe('an address another process already holds', () => {
    let squatter: Server;
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      squatter = createServer().listen(port, '127.0.0.1');
    });

    afterAll(() => new Promise<void>((done) => squatter.close(() => done())));

    it('the service says so and exits 1, closing the database it opened', async () => {
      const { output } = await refusal('payments-service', {
        SEAM_TOPOLOGY: 'mixed',
        SEAM_PAYMENTS_ADDRESS: `tcp://127.0.0.1:${port}`,
        SEAM_MESH_KEYS: paymentsKeys,
      });
      expect(output).toContain('The payments service could not start');
      expect(output).toMatch(/EADDRINUSE/);
    });
  });
});
