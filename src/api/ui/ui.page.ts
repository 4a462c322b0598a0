import { html, raw } from 'hono/html';
import { VIP_STATUSES } from '../../machines/vip.status.js';

export interface PageParts {
  hostname: string;
  version: string;
  /** The statechart, rendered once; each endpoint card clones it. */
  svg: string | undefined;
  /** Why there is no diagram, shown in its place. */
  diagramError: string | undefined;
  /** Where the page is served from, ending in `/`: its assets and data sit next to it. */
  base: string;
}

/** The live view's one page: a shell the script fills from `state`, `cluster` and `events`. */
export function page(parts: PageParts) {
  // The XML prolog and doctype of Graphviz's output are not allowed inside HTML.
  const svg = parts.svg?.slice(Math.max(0, parts.svg.indexOf('<svg')));
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <base href="${parts.base}" />
    <title>LinK · ${parts.hostname}</title>
    <link rel="icon" href="favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="app.css" />
    <script src="app.js" defer></script>
  </head>
  <body data-diagram-error="${parts.diagramError ?? ''}">
    <header class="top">
      <div class="brand">LinK<small>virtual IPs</small></div>
      <div class="top-host mono" data-testid="page-hostname">${parts.hostname}</div>
      <div class="meta">
        <span data-testid="version">v${parts.version}</span>
        <span class="mono" data-testid="host-lease"></span>
        <span data-testid="drained" hidden></span>
        <span data-testid="etcd"></span>
        <span class="conn" data-testid="connection" data-state="connecting">connecting…</span>
      </div>
    </header>
    <main>
      <p class="problem" data-testid="problem" role="alert" hidden></p>
      <section class="toolbar" data-testid="toolbar" aria-label="search and filters">
        <input type="search" data-testid="search" placeholder="search IP, id or holder" aria-label="search" />
        <select data-testid="filter-state" aria-label="state">
          <option value="">any state</option>
          ${VIP_STATUSES.map((status) => html`<option value="${status}">${status}</option>`)}
        </select>
        <select data-testid="filter-holder" aria-label="holder"><option value="">any holder</option></select>
        <span class="page-nav">
          <button type="button" data-testid="page-prev" aria-label="previous page">‹</button>
          <span class="muted" data-testid="page-info"></span>
          <button type="button" data-testid="page-next" aria-label="next page">›</button>
        </span>
        <div class="summary" data-testid="summary"></div>
      </section>
      <section class="cluster" data-testid="cluster-view">
        <h2 class="section">Cluster<span class="muted">every host's status for the VIPs of this page, as published in etcd</span></h2>
        <p class="problem" data-testid="cluster-error" hidden></p>
        <div class="cluster-vips" data-testid="cluster-vips"></div>
        <p class="empty" data-testid="cluster-empty" hidden>No host has published a status yet.</p>
      </section>
      <section class="history" data-testid="cluster-history">
        <h2 class="section">History<span class="muted">the latest transitions of every host, from etcd; they outlive their host</span></h2>
        <p class="empty" data-testid="history-empty" hidden>No transition recorded yet.</p>
        <ol class="timeline history-list" data-testid="history-list"></ol>
      </section>
      <section>
        <h2 class="section">Endpoints on this host</h2>
        <p class="empty" data-testid="no-endpoints" hidden>
          No endpoints on this host yet: add one with <code>POST /endpoints</code>.
        </p>
        <div class="endpoints" data-testid="endpoint-list"></div>
      </section>
    </main>
    ${svg ? html`<template id="statechart-template">${raw(svg)}</template>` : ''}
  </body>
</html>
`;
}
