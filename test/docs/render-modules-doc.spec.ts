import { describe, expect, it } from '@jest/globals';
import { DEFAULT_MONOLITH_REPLICAS } from '../../tools/deploy/cluster-plan.js';
import { markdownTable } from '../../tools/docs-modules/markdown.js';
import { MermaidIds, mermaidGraph, mermaidLabel } from '../../tools/docs-modules/mermaid.js';
import { MODULE_TABLE_HEADER, moduleRows } from '../../tools/docs-modules/module-section.js';
import type { ModulesDocInput } from '../../tools/docs-modules/modules-doc.types.js';
import { renderModulesDoc } from '../../tools/docs-modules/render-modules-doc.js';
import { expectSimpleMermaid } from './support/simple-mermaid.js';

/** Two modules: billing answers one entry that only shop may call and publishes an event two modules take. */
const tiny: ModulesDocInput = {
  modules: ['shop', 'billing', 'mailer'],
  entries: [
    {
      kind: 'event',
      module: 'billing',
      pattern: 'billing.invoice.issued',
      allowed: ['shop', 'mailer'],
      contract: 'BillingContract',
      name: 'invoiceIssued',
    },
    {
      kind: 'request',
      module: 'billing',
      pattern: 'billing.issue-invoice',
      allowed: ['shop'],
      contract: 'BillingContract',
      name: 'issueInvoice',
    },
  ],
  tables: {
    billing: [
      { name: 'seam_outbox', messaging: 'outbox' },
      { name: 'invoice', entity: 'InvoiceRecord' },
    ],
  },
  placements: [
    { topology: 'split', app: 'billing-service', hosts: ['billing'], replicas: 2 },
    { topology: 'monolith', app: 'monolith', hosts: ['shop', 'billing', 'mailer'], replicas: 1 },
    { topology: 'split', app: 'monolith', hosts: ['shop', 'mailer'], replicas: 1 },
  ],
  projects: { monolith: 'apps/monolith', 'billing-service': 'apps/billing-service' },
};

/** The header and rows of a rendered Markdown table (not its `---` rule), as trimmed cells. */
const rowsOf = (table: string): string[][] =>
  table
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| -'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((text) => text.trim()),
    );

describe('renderModulesDoc', () => {
  describe('mermaidGraph', () => {
    it('draws an edge from the allowed caller to the entry and from the event to each subscriber', () => {
      const lines = mermaidGraph(tiny);

      expect(lines[0]).toBe('flowchart LR');
      expect(lines).toContain('  m_shop --> r_billing_issue_invoice');
      expect(lines).toContain('  e_billing_invoice_issued -.-> m_mailer');
      expect(lines).toContain('  e_billing_invoice_issued -.-> m_shop');
      expect(lines.filter((line) => line.includes('-->') || line.includes('-.->'))).toHaveLength(3);
    });

    it('puts the entries inside their module and draws a module without entries as a node', () => {
      const lines = mermaidGraph(tiny);

      expect(lines.slice(1, 5)).toEqual([
        '  subgraph m_billing["billing"]',
        '    e_billing_invoice_issued(["billing.invoice.issued"])',
        '    r_billing_issue_invoice["billing.issue-invoice"]',
        '  end',
      ]);
      expect(lines).toContain('  m_mailer["mailer"]');
      expect(lines).toContain('  m_shop["shop"]');
    });

    it('draws callers that are not modules as nodes of their own, anyone as "anyone (*)", and no edge of a module to itself', () => {
      const lines = mermaidGraph({
        ...tiny,
        entries: [
          { ...tiny.entries[1]!, allowed: ['edge', 'billing'] },
          { ...tiny.entries[0]!, allowed: ['*'] },
        ],
      });

      expect(lines).toContain('  c_edge{{"edge"}}');
      expect(lines).toContain('  c_any{{"anyone (*)"}}');
      expect(lines).toContain('  c_edge --> r_billing_issue_invoice');
      expect(lines).toContain('  e_billing_invoice_issued -.-> c_any');
      expect(lines).not.toContain('  m_billing --> r_billing_issue_invoice');
    });

    it('keeps to plain syntax with names that would break it: keywords, quotes, brackets, arrows', () => {
      const hostile: ModulesDocInput = {
        ...tiny,
        modules: ['end', 'graph', 'o', 'x'],
        entries: [
          { ...tiny.entries[1]!, module: 'end', pattern: 'end.do-it"[x]', allowed: ['o', 'a --> b', 'x'] },
          { ...tiny.entries[0]!, module: 'o', pattern: 'o.it.happened', allowed: ['end', 'say "hi"', '*'] },
        ],
      };
      const lines = mermaidGraph(hostile);

      expectSimpleMermaid(lines);
      expect(lines).toContain('    r_end_do_it__x_["end.do-it#quot;[x]"]');
      expect(lines).toContain('  m_o --> r_end_do_it__x_');
      expect(lines).toContain('  c_a_____b{{"a --> b"}}');
    });

    it('is checked by a helper that refuses other syntax and edges to undeclared nodes', () => {
      expect(() => expectSimpleMermaid(['graph TD'])).toThrow(/toMatch/);
      expect(() => expectSimpleMermaid(['flowchart LR', '  m_a["a"]', '  m_a --> m_b'])).toThrow(/m_b/);
      expect(() => expectSimpleMermaid(['flowchart LR', '  m_a["a"]', '  m_b(["b"])', '  m_a --> m_b'])).not.toThrow();
    });

    it('gives the same output whatever the order of its input', () => {
      const shuffled: ModulesDocInput = {
        ...tiny,
        modules: tiny.modules.toReversed(),
        entries: tiny.entries.toReversed(),
        placements: tiny.placements.toReversed(),
      };

      expect(renderModulesDoc(shuffled)).toBe(renderModulesDoc(tiny));
    });
  });

  describe('MermaidIds', () => {
    it('makes ids of letters, digits and "_" only, off keywords, and distinct for names that collapse alike', () => {
      const ids = new MermaidIds();
      const names = ['end', 'a.b-c', 'a-b.c', 'x y"z[1]', 'o', 'graph'];
      const made = names.map((name) => ids.id('m', name));

      for (const id of made) expect(id).toMatch(/^m_[A-Za-z0-9_]+$/);
      expect(new Set(made).size).toBe(names.length);
      expect(made.slice(1, 3)).toEqual(['m_a_b_c', 'm_a_b_c_2']);
      expect(ids.id('m', 'a-b.c')).toBe('m_a_b_c_2');
    });

    it('quotes labels and turns a double quote inside into #quot;', () => {
      expect(mermaidLabel('say "hi"')).toBe('"say #quot;hi#quot;"');
    });
  });

  describe('moduleRows', () => {
    it("lists the module's entries with their callers, its events, its tables and its deployables per topology", () => {
      expect(moduleRows(tiny, 'billing')).toEqual([
        ['entry', '`billing.issue-invoice` (`BillingContract.issueInvoice`)', 'callers: `shop`'],
        ['publishes', '`billing.invoice.issued` (`BillingContract.invoiceIssued`)', 'subscribers: `mailer`, `shop`'],
        ['table', '`invoice`', 'entity `InvoiceRecord`'],
        ['table', '`seam_outbox`', 'outbox of `@seam/messaging`'],
        ['deployable', '`billing-service`', '`apps/billing-service`; topologies `split` (2 replicas)'],
        ['deployable', '`monolith`', '`apps/monolith`; topologies `monolith`'],
      ]);
    });

    it('lists the events a module may consume, and a deployable missing from nest-cli.json', () => {
      expect(moduleRows({ ...tiny, projects: {} }, 'mailer')).toEqual([
        ['consumes', '`billing.invoice.issued` (`BillingContract.invoiceIssued`)', 'published by `billing`'],
        ['deployable', '`monolith`', 'not a project of nest-cli.json; topologies `monolith`, `split`'],
      ]);
    });
  });

  describe('renderModulesDoc', () => {
    it('renders the graph in a mermaid fence and one table per module, in name order', () => {
      const text = renderModulesDoc(tiny);

      expect(text).toContain('```mermaid\nflowchart LR\n');
      expect([...text.matchAll(/^## (\w+)$/gm)].map((match) => match[1])).toEqual(['billing', 'mailer', 'shop']);
      const shop = text.slice(text.indexOf('## shop'));
      expect(rowsOf(shop)).toEqual([
        [...MODULE_TABLE_HEADER],
        ['consumes', '`billing.invoice.issued` (`BillingContract.invoiceIssued`)', 'published by `billing`'],
        ['deployable', '`monolith`', '`apps/monolith`; topologies `monolith`, `split`'],
      ]);
      expect(text.endsWith('\n')).toBe(true);
    });

    it("says deploy:k8s's default monolith copies in words, apart from what the topologies ask for", () => {
      expect(renderModulesDoc(tiny).replaceAll('\n', ' ')).toContain(
        `\`npm run deploy:k8s\` runs ${DEFAULT_MONOLITH_REPLICAS} copies of the monolith unless \`--monolith-replicas\` says otherwise.`,
      );
    });
  });

  describe('markdownTable', () => {
    it('pads every column to its widest cell, as prettier aligns tables', () => {
      expect(markdownTable(['A', 'Long'], [['wide cell', 'x']])).toBe(
        ['| A         | Long |', '| --------- | ---- |', '| wide cell | x    |'].join('\n'),
      );
    });
  });
});
