import { describe, expect, it } from '@jest/globals';
import { defineModuleData } from '@seam/persistence';
import type { ResolvedSeamOptions } from '@seam/transport';
import type { LocalModule } from '../modules.js';
import { startupSummary } from './startup-summary.js';

const module = (name: string): LocalModule => ({
  name,
  module: class {},
  data: defineModuleData({ module: name, entities: [], migrations: [] }),
});
const seam = (overrides: Partial<ResolvedSeamOptions>) =>
  ({ hosted: [], endpoints: {}, ...overrides }) as ResolvedSeamOptions;

describe('startupSummary', () => {
  it('says where to reach the app, and for each module where it runs and where its SQLite file is', () => {
    const lines = startupSummary({
      url: 'http://localhost:3000',
      seam: seam({
        hosted: ['catalog', 'orders'],
        endpoints: { orders: { transport: 'tcp', host: '0.0.0.0', port: 4010 } },
      }),
      database: { kind: 'sqlite', dataDir: '/srv/seam/data' },
      modules: [module('catalog'), module('orders')],
    });
    expect(lines).toEqual([
      'Listening on http://localhost:3000',
      'module catalog: in this process (in-process transport); data: SQLite file /srv/seam/data/catalog.sqlite',
      'module orders: in this process, also served at tcp://0.0.0.0:4010; data: SQLite file /srv/seam/data/orders.sqlite',
      'API docs: http://localhost:3000/docs (OpenAPI document: http://localhost:3000/docs-json)',
      'Health: http://localhost:3000/health · Metrics: http://localhost:3000/metrics',
      'Dashboard: http://localhost:3000/_seam',
    ]);
  });

  it('adds the topology after the URL and the call policies at the end; docs and metrics on the internal listener', () => {
    const lines = startupSummary({
      url: 'http://localhost:3000',
      docsUrl: 'http://127.0.0.1:9464',
      topology: 'Topology "monolith"; this process is the monolith',
      callPolicies: ['Call policies from defaults: calls to catalog: deadline 5000 ms'],
      seam: seam({ hosted: ['catalog'] }),
      database: { kind: 'sqlite', dataDir: '/srv/seam/data' },
      modules: [module('catalog')],
    });
    expect(lines).toEqual([
      'Listening on http://localhost:3000',
      'Topology "monolith"; this process is the monolith',
      'module catalog: in this process (in-process transport); data: SQLite file /srv/seam/data/catalog.sqlite',
      'API docs: http://127.0.0.1:9464/docs (OpenAPI document: http://127.0.0.1:9464/docs-json)',
      'Health: http://localhost:3000/health · Metrics: http://127.0.0.1:9464/metrics (internal listener, not on the public port)',
      'Dashboard: http://127.0.0.1:9464/_seam (internal listener, not on the public port)',
      'Call policies from defaults: calls to catalog: deadline 5000 ms',
    ]);
  });

  it('names the PostgreSQL schema without the credentials, and reports remote modules', () => {
    const lines = startupSummary({
      url: 'http://localhost:3000',
      seam: seam({ hosted: ['catalog'], endpoints: { payments: { transport: 'tcp', host: 'payments', port: 4010 } } }),
      database: { kind: 'postgres', url: 'postgres://seam:s3cret@db.internal:5433/shop' },
      modules: [module('catalog')],
    });
    expect(lines.slice(1, 3)).toEqual([
      'module catalog: in this process (in-process transport); data: PostgreSQL db.internal:5433/shop, schema catalog',
      'module payments: remote, at tcp://payments:4010; its data lives with it',
    ]);
    expect(lines.join('\n')).not.toContain('s3cret');
  });
});
