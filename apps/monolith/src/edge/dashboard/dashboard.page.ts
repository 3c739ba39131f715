// The page and its one script, served as they are: no bundle, no framework, no diagram library.
// Tables draw the map (modules × entries with who may call them, links with their figures): they
// need nothing shipped, read well at any size, and a test reads them from the DOM. The script
// only polls `/_seam/data` and redraws; it builds every node with textContent (no HTML from data).

/** `/_seam`: the page's frame; {@link DASHBOARD_SCRIPT} fills it. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Seam — live</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d2330;background:#fafbfc}
h1{font-size:1.3rem;margin:0 0 .2rem}h2{font-size:1.05rem;margin:1.4rem 0 .4rem}
table{border-collapse:collapse;background:#fff;box-shadow:0 0 0 1px #dde1e8}
th,td{padding:.3rem .6rem;border-bottom:1px solid #eceff3;text-align:left;vertical-align:top}
th{background:#f1f3f6;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#6b7385}.bad{color:#b42318;font-weight:600}.ok{color:#067647}
.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1.5rem}
ul.tree{list-style:none;padding-left:1.1rem;margin:0;border-left:1px dotted #c5cbd6}
ul.tree.root{border:0;padding-left:0}.trace{background:#fff;box-shadow:0 0 0 1px #dde1e8;padding:.5rem .8rem;margin:.5rem 0}
code{font-size:.92em}.kind{display:inline-block;width:4.2rem;color:#6b7385}
</style></head>
<body>
<h1>Seam — live</h1>
<div class="muted" id="status">loading…</div>
<h2>Modules</h2>
<table id="modules"><thead><tr><th>module</th><th>runs</th><th>replicas live / declared</th><th>outbox backlog</th><th>dead letters</th><th>entries (who may call / subscribe)</th></tr></thead><tbody></tbody></table>
<div class="grid">
<div><h2>Links (caller → callee)</h2>
<table id="links"><thead><tr><th>link</th><th>transport</th><th>calls/s</th><th>calls</th><th>errors</th><th>p50 ms</th><th>p99 ms</th></tr></thead><tbody></tbody></table>
<p class="muted">Figures are the Prometheus series of <code>/metrics</code> (attempts seen by the caller), summed over this edge and every service whose metrics port the topology fixes; p50/p99 since each process started. Seam's bookkeeping (<code>$subscriptions</code>) is left out of links and traces.</p></div>
<div><h2>Last traces</h2><div id="traces"></div>
<p class="muted">Spans this edge process saw: in a split topology, its own client calls and the calls of the modules it hosts; the services' own spans are in their tracing backend.</p></div>
</div>
<script src="/_seam/app.js"></script>
</body></html>
`;

/** `/_seam/app.js`: polls the data every 1.5 s and redraws the page. */
export const DASHBOARD_SCRIPT = `'use strict';
(() => {
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  };
  const fixed = (value, digits) => (value === undefined || value === null ? '–' : Number(value).toFixed(digits));
  const body = (id) => document.querySelector('#' + id + ' tbody');
  let previous;

  function drawModules(data) {
    const rows = data.modules.map((module) => {
      const entries = data.entries.filter((entry) => entry.module === module.name).map((entry) =>
        el('div', {}, el('code', {}, entry.pattern), ' ', el('span', { class: 'muted' }, (entry.kind === 'event' ? 'event → ' : '← ') + entry.allowed.join(', '))));
      return el('tr', { 'data-module': module.name },
        el('td', {}, el('strong', {}, module.name)),
        el('td', {}, module.runs === 'edge' ? 'here (edge process)' : module.runs + (module.address ? ' ' + module.address : '')),
        el('td', { class: 'n' }, (module.liveReplicas === undefined ? '?' : module.liveReplicas) + ' / ' + module.replicas),
        el('td', { class: 'n' }, module.outboxPending === undefined ? '–' : module.outboxPending),
        el('td', { class: 'n' + (module.deadLetters > 0 ? ' bad' : '') }, module.deadLetters === undefined ? '–' : module.deadLetters),
        el('td', {}, ...entries));
    });
    body('modules').replaceChildren(...rows);
  }

  function drawLinks(data) {
    const before = new Map((previous ? previous.links : []).map((link) => [link.caller + '→' + link.callee, link.calls]));
    const seconds = previous ? (data.at - previous.at) / 1000 : 0;
    const rows = data.links.map((link) => {
      const name = link.caller + '→' + link.callee;
      const rate = seconds > 0 ? Math.max(0, link.calls - (before.get(name) || 0)) / seconds : undefined;
      const errorRate = link.calls > 0 ? (100 * link.errors) / link.calls : 0;
      return el('tr', { 'data-link': name, 'data-calls': link.calls },
        el('td', {}, el('code', {}, link.caller + ' → ' + link.callee)),
        el('td', {}, link.transports.join(', ')),
        el('td', { class: 'n' }, fixed(rate, 1)),
        el('td', { class: 'n calls' }, link.calls),
        el('td', { class: 'n' + (link.errors > 0 ? ' bad' : '') }, link.errors + ' (' + errorRate.toFixed(1) + '%)'),
        el('td', { class: 'n' }, fixed(link.p50Ms, 2)),
        el('td', { class: 'n' }, fixed(link.p99Ms, 2)));
    });
    body('links').replaceChildren(...rows);
  }

  const spanNode = (span) => el('li', { 'data-span': span.name },
    el('span', { class: 'kind' }, span.kind), el('code', {}, span.name), ' ',
    el('span', { class: 'muted' }, span.caller + ' → ' + span.module + ', ' + span.durationMs.toFixed(2) + ' ms '),
    el('span', { class: span.outcome === 'ok' ? 'ok' : 'bad' }, span.outcome),
    ...(span.children.length ? [el('ul', { class: 'tree' }, ...span.children.map(spanNode))] : []));

  function drawTraces(data) {
    const traces = data.traces.map((trace) => el('div', { class: 'trace', 'data-trace': trace.traceId },
      el('div', { class: 'muted' }, new Date(trace.startedAt).toLocaleTimeString() + ' trace ', el('code', {}, trace.traceId)),
      el('ul', { class: 'tree root' }, ...trace.roots.map(spanNode))));
    document.getElementById('traces').replaceChildren(...(traces.length ? traces : [el('p', { class: 'muted' }, 'No call yet.')]));
  }

  async function poll() {
    try {
      const response = await fetch('/_seam/data', { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const data = await response.json();
      drawModules(data);
      drawLinks(data);
      drawTraces(data);
      const down = data.sources.filter((source) => !source.ok);
      document.getElementById('status').textContent = 'Topology "' + data.topology + '", read ' +
        new Date(data.at).toLocaleTimeString() + ' from ' + data.sources.length + ' process(es)' +
        (down.length ? '; not answering: ' + down.map((source) => source.name + ' (' + source.error + ')').join(', ') : '');
      previous = data;
    } catch (error) {
      document.getElementById('status').textContent = 'Cannot read /_seam/data: ' + error.message;
    } finally {
      setTimeout(poll, 1500);
    }
  }
  poll();
})();
`;
