// @ts-check
/**
 * The live view's browser script, served as `/ui/app.js`. Plain ES2020 with no dependencies and no
 * build step, so the agent serves it as is and the page works without any network but the agent's.
 * It polls `state` and `cluster`, listens to `events`, and draws with DOM calls (never innerHTML:
 * hostnames and causes come from etcd). Types come from the routes that answer it.
 *
 * @typedef {import('../ui.state.js').UiState} UiState
 * @typedef {import('../ui.state.js').UiEndpoint} UiEndpoint
 * @typedef {import('../ui.state.js').UiCluster & { error?: string }} UiClusterAnswer
 * @typedef {import('../../../agent/agent-service.js').TransitionRecord} TransitionRecord
 * @typedef {Node | string | null | undefined | false} Child
 * @typedef {{
 *   root: HTMLElement, ip: HTMLElement, status: HTMLElement, id: HTMLElement, holder: HTMLElement,
 *   fencing: HTMLElement, lease: HTMLElement, leaseBar: HTMLElement, health: HTMLElement,
 *   checks: HTMLElement, policy: HTMLElement, faults: HTMLElement, diagram: HTMLElement,
 *   svg: SVGSVGElement | null, timeline: HTMLElement, timelineKey: string, peersKey: string,
 * }} Card
 */
// biome-ignore lint/suspicious/noRedundantUseStrict: served as a classic script, not a module
'use strict';
(() => {
  const TIMELINE_DEPTH = 25;
  const STATE_POLL_MS = 2000;
  const CLUSTER_POLL_MS = 1500;
  const HISTORY_POLL_MS = 5000;
  const HISTORY_DEPTH = 30;

  const model = {
    /** @type {UiState | null} */
    state: null,
    /** @type {UiClusterAnswer | null} */
    cluster: null,
    /** Agent clock minus ours, so countdowns follow the agent's deadlines. */
    skew: 0,
    /** @type {Map<string, TransitionRecord[]>} endpointId -> records, oldest first. */
    history: new Map(),
    /** @type {Set<string>} */
    seen: new Set(),
    /**
     * endpointId -> longest lease remaining seen for the current deadline: the bar's full length.
     * @type {Map<string, { deadline: number, full: number }>}
     */
    leaseSpan: new Map(),
    /** What the page shows: with thousands of endpoints, one filtered page of them. */
    query: { q: '', state: '', holder: /** @type {string | null} */ (null), offset: 0 },
  };
  const PAGE = 50;
  /** @type {Map<string, Card>} */
  const cards = new Map();
  /** @type {Map<string, string>} */
  const problems = new Map();
  const template = /** @type {HTMLTemplateElement | null} */ (document.getElementById('statechart-template'));

  // ---- small DOM helpers

  /**
   * @param {string} tag
   * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
   * @param {Child | Child[]} [children]
   */
  function h(tag, attrs, children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') el.textContent = String(value);
      else if (name === 'class') el.className = String(value);
      else el.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of Array.isArray(children) ? children : children === undefined ? [] : [children]) {
      if (child !== null && child !== undefined && child !== false) el.append(child);
    }
    return el;
  }

  /** replaceChildren, skipping absent parts (the DOM would print them as "null"). */
  /**
   * @param {Element} el
   * @param {...Child} children
   */
  function fill(el, ...children) {
    el.replaceChildren(
      .../** @type {(Node | string)[]} */ (
        children.filter((child) => child !== null && child !== undefined && child !== false)
      ),
    );
  }

  /** The first element matching `selector`; the page's shell always has the ones asked for. */
  /** @param {string} selector */
  function element(selector) {
    return /** @type {HTMLElement} */ (document.querySelector(selector));
  }

  /** @param {string | undefined} value */
  function quoted(value) {
    return `"${String(value).replace(/["\\]/g, '\\$&')}"`;
  }

  /**
   * @param {string} status
   * @param {string} [testid]
   */
  function badge(status, testid) {
    return h('span', { class: `badge s-${status}`, 'data-testid': testid, text: status });
  }

  const agentNow = () => Date.now() + model.skew;

  /** @param {number} ms */
  function seconds(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
  }

  /** @param {number} at */
  function ago(at) {
    const ms = Math.max(0, agentNow() - at);
    return ms < 60000 ? `${seconds(ms)} ago` : `${Math.round(ms / 60000)} min ago`;
  }

  /** @param {number} at */
  function clock(at) {
    const d = new Date(at);
    /** @type {(n: number, w?: number) => string} */
    const pad = (n, w) => String(n).padStart(w || 2, '0');
    return (
      pad(d.getHours()) +
      ':' +
      pad(d.getMinutes()) +
      ':' +
      pad(d.getSeconds()) +
      '.' +
      pad(d.getMilliseconds(), 3)
    );
  }

  // ---- data

  /** @param {string} path */
  async function getJson(path) {
    const res = await fetch(path, { cache: 'no-store', headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return res.json();
  }

  /** The page's filters as query parameters for `state` and `cluster`. */
  function queryString() {
    const params = new URLSearchParams();
    const { q, state, holder, offset } = model.query;
    if (q) params.set('q', q);
    if (state) params.set('state', state);
    if (holder !== null) params.set('holder', holder);
    if (offset) params.set('offset', String(offset));
    params.set('limit', String(PAGE));
    return `?${params}`;
  }

  /**
   * Fetches `path` with the current filters; an answer for filters changed meanwhile is dropped
   * and asked again.
   * @template T
   * @param {string} path
   * @param {(value: T) => void} apply
   */
  function polled(path, apply) {
    let busy = false;
    let again = false;
    const run = async () => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      const asked = queryString();
      try {
        const value = await getJson(path + asked);
        if (asked === queryString()) apply(value);
        else again = true;
        setProblem(path, null);
      } catch (error) {
        setProblem(path, error instanceof Error ? error.message : String(error));
      } finally {
        busy = false;
        if (again) {
          again = false;
          void run();
        }
      }
    };
    return run;
  }

  const refreshState = polled('state', (/** @type {UiState} */ state) => {
    model.skew = state.now - Date.now();
    model.state = state;
    for (const record of state.history) addRecord(record);
    render();
  });

  const refreshCluster = polled('cluster', (/** @type {UiClusterAnswer} */ cluster) => {
    model.cluster = cluster;
    renderCluster();
    renderPeers();
  });

  // The API's durable history (`GET /history`), next to the live view's own routes. Its problems
  // show in its own section: the rest of the page works without it.
  let historyBusy = false;
  async function refreshHistory() {
    if (historyBusy) return;
    historyBusy = true;
    try {
      renderHistory(await getJson(`../history?limit=${HISTORY_DEPTH}`));
    } catch (error) {
      const empty = element('[data-testid="history-empty"]');
      empty.hidden = false;
      empty.textContent = `History unavailable: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      historyBusy = false;
    }
  }

  /** @param {TransitionRecord} r */
  function recordKey(r) {
    return [r.at, r.endpointId, r.hostname, r.from, r.to, r.event].join('|');
  }

  /** @param {TransitionRecord} record */
  function addRecord(record) {
    const key = recordKey(record);
    if (model.seen.has(key)) return false;
    model.seen.add(key);
    const list = model.history.get(record.endpointId) || [];
    list.push(record);
    list.sort((a, b) => a.at - b.at);
    while (list.length > TIMELINE_DEPTH)
      model.seen.delete(recordKey(/** @type {TransitionRecord} */ (list.shift())));
    model.history.set(record.endpointId, list);
    return true;
  }

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let followUp;
  /** @param {TransitionRecord} record */
  function onTransition(record) {
    if (!addRecord(record)) return;
    const endpoint = model.state?.endpoints.find((e) => e.id === record.endpointId);
    if (endpoint) {
      // Draw the new state now; the follow-up fetch brings holder, health and lease with it.
      endpoint.status = record.to;
      renderEndpoint(endpoint);
    }
    clearTimeout(followUp);
    followUp = setTimeout(() => {
      refreshState();
      refreshCluster();
      refreshHistory();
    }, 150);
  }

  function connect() {
    const events = new EventSource('events');
    setConnection('connecting');
    events.addEventListener('ready', () => {
      setConnection('live');
      refreshState();
    });
    events.addEventListener('transition', (message) => onTransition(JSON.parse(message.data)));
    events.onerror = () => setConnection(events.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
  }

  // ---- page chrome

  /** @param {string} state */
  function setConnection(state) {
    const el = element('[data-testid="connection"]');
    el.dataset.state = state;
    el.textContent = state === 'live' ? 'live' : state === 'connecting' ? 'reconnecting…' : 'offline';
  }

  /**
   * @param {string} source
   * @param {string | null} message
   */
  function setProblem(source, message) {
    if (message) problems.set(source, message);
    else problems.delete(source);
    const box = element('[data-testid="problem"]');
    box.hidden = problems.size === 0;
    box.textContent = [...problems.values()].join(' · ');
  }

  function renderHeader() {
    const s = /** @type {UiState} */ (model.state);
    element('[data-testid="page-hostname"]').textContent = s.hostname;
    element('[data-testid="version"]').textContent = `v${s.version}`;
    const etcd = element('[data-testid="etcd"]');
    etcd.dataset.ok = String(s.lease.etcdReachable);
    etcd.textContent = s.lease.etcdReachable ? 'etcd reachable' : 'etcd unreachable';
    const drained = element('[data-testid="drained"]');
    drained.hidden = !s.drained;
    drained.textContent = s.drained ? 'drained for maintenance' : '';
    element('[data-testid="host-lease"]').textContent = s.lease.leaseId
      ? `lease ${s.lease.leaseId}`
      : 'no host lease';
  }

  // ---- endpoints

  function render() {
    renderHeader();
    const state = /** @type {UiState} */ (model.state);
    const list = element('[data-testid="endpoint-list"]');
    const ids = new Set(state.endpoints.map((e) => e.id));
    for (const [id, card] of cards) {
      if (!ids.has(id)) {
        card.root.remove();
        cards.delete(id);
      }
    }
    state.endpoints.forEach((endpoint, index) => {
      const card = cards.get(endpoint.id) || createCard(endpoint);
      if (list.children[index] !== card.root) list.insertBefore(card.root, list.children[index] || null);
      renderEndpoint(endpoint);
    });
    element('[data-testid="no-endpoints"]').hidden = state.endpoints.length > 0;
    renderSummary(state);
    renderPeers();
  }

  // ---- search, filters, counts and pages

  /** @param {UiState} state */
  function renderSummary(state) {
    const { summary, total, offset } = state;
    const counts = (/** @type {string} */ label, /** @type {Child[]} */ children) =>
      h('span', { class: 'counts' }, [h('span', { class: 'muted', text: `${label} ` }), ...children]);
    fill(
      element('[data-testid="summary"]'),
      h('span', { class: 'count', 'data-testid': 'summary-total', text: `${summary.total} endpoints` }),
      counts(
        'by state',
        Object.entries(summary.byState).map(([status, n]) =>
          h(
            'span',
            { class: 'count', 'data-testid': 'summary-state', 'data-state': status, 'data-count': n },
            [badge(status), ` ${n} `],
          ),
        ),
      ),
      counts(
        'by holder',
        Object.entries(summary.byHolder)
          .sort((a, b) => b[1] - a[1])
          .map(([holder, n]) =>
            h('span', {
              class: 'count mono',
              'data-testid': 'summary-holder',
              'data-holder': holder,
              'data-count': n,
              text: `${holder || '(none)'} ${n} `,
            }),
          ),
      ),
    );
    const select = /** @type {HTMLSelectElement} */ (element('[data-testid="filter-holder"]'));
    const wanted = [
      '',
      ...Object.keys(summary.byHolder)
        .sort()
        .map((holder) => holder || '(none)'),
    ];
    if ([...select.options].map((o) => o.value).join('\n') !== wanted.join('\n')) {
      const current = select.value;
      select.replaceChildren(
        ...wanted.map((value) => h('option', { value, text: value === '' ? 'any holder' : value })),
      );
      select.value = wanted.includes(current) ? current : '';
    }
    const last = Math.min(offset + state.endpoints.length, total);
    element('[data-testid="page-info"]').textContent =
      total === 0 ? 'no match' : `${offset + 1}–${last} of ${total}`;
    /** @type {HTMLButtonElement} */ (element('[data-testid="page-prev"]')).disabled = offset === 0;
    /** @type {HTMLButtonElement} */ (element('[data-testid="page-next"]')).disabled = last >= total;
  }

  function filtersChanged() {
    model.query.offset = 0;
    refreshState();
    refreshCluster();
  }

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typing;
  element('[data-testid="search"]').addEventListener('input', (event) => {
    model.query.q = /** @type {HTMLInputElement} */ (event.target).value.trim();
    clearTimeout(typing);
    typing = setTimeout(filtersChanged, 200);
  });
  element('[data-testid="filter-state"]').addEventListener('change', (event) => {
    model.query.state = /** @type {HTMLSelectElement} */ (event.target).value;
    filtersChanged();
  });
  element('[data-testid="filter-holder"]').addEventListener('change', (event) => {
    const value = /** @type {HTMLSelectElement} */ (event.target).value;
    model.query.holder = value === '' ? null : value === '(none)' ? '' : value;
    filtersChanged();
  });
  for (const [testid, step] of /** @type {const} */ ([
    ['page-prev', -PAGE],
    ['page-next', PAGE],
  ])) {
    element(`[data-testid="${testid}"]`).addEventListener('click', () => {
      model.query.offset = Math.max(0, model.query.offset + step);
      refreshState();
      refreshCluster();
    });
  }

  /**
   * @param {UiEndpoint} endpoint
   * @returns {Card}
   */
  function createCard(endpoint) {
    const diagram = h('figure', { class: 'statechart', 'data-testid': 'statechart' }, [
      h('a', {
        class: 'full-diagram',
        href: 'statechart.svg',
        target: '_blank',
        rel: 'noopener',
        text: 'full diagram ↗',
      }),
    ]);
    if (template) {
      const original = /** @type {SVGSVGElement} */ (template.content.querySelector('svg'));
      const svg = /** @type {SVGSVGElement} */ (original.cloneNode(true));
      // Every card holds a copy: ids would repeat, and the diagram scales to its box.
      for (const el of svg.querySelectorAll('[id]')) el.removeAttribute('id');
      svg.removeAttribute('width');
      svg.removeAttribute('height');
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', `statechart of ${endpoint.ip}`);
      diagram.append(svg);
    } else {
      diagram.append(
        h('p', { class: 'muted', text: document.body.dataset.diagramError || 'diagram unavailable' }),
      );
    }
    const card = {
      root: h('article', {
        class: 'endpoint',
        'data-testid': 'endpoint-card',
        'data-endpoint-id': endpoint.id,
      }),
      ip: h('h2', { class: 'ip mono', 'data-testid': 'endpoint-ip' }),
      status: h('span', { 'data-testid': 'endpoint-status' }),
      id: h('span', { class: 'id mono', title: 'endpoint id' }),
      holder: h('div', { class: 'value mono', 'data-testid': 'holder' }),
      fencing: h('div', { class: 'sub mono' }),
      lease: h('div', { class: 'value mono', 'data-testid': 'lease-countdown' }),
      leaseBar: h('i'),
      health: h('div', { class: 'value', 'data-testid': 'health' }),
      checks: h('ul', { class: 'checks mono' }),
      policy: h('div', { class: 'value mono' }),
      faults: h('div', { class: 'sub' }),
      diagram,
      svg: diagram.querySelector('svg'),
      timeline: h('ol', { class: 'timeline', 'data-testid': 'timeline' }),
      timelineKey: '',
      peersKey: '',
    };
    const fact = (/** @type {string} */ label, /** @type {Child[]} */ children) =>
      h('div', { class: 'fact' }, [h('div', { class: 'label', text: label }), ...children]);
    card.root.append(
      h('header', { class: 'endpoint-head' }, [card.ip, card.status, card.id]),
      h('div', { class: 'facts' }, [
        fact('Holder', [card.holder, card.fencing]),
        fact('Lease deadline', [card.lease, h('div', { class: 'bar' }, card.leaseBar)]),
        fact('Health', [card.health, card.checks]),
        fact('Fault policy', [card.policy, card.faults]),
      ]),
      h('div', { class: 'endpoint-body' }, [
        diagram,
        h('section', { class: 'timeline-box' }, [h('h3', { text: 'Recent transitions' }), card.timeline]),
      ]),
    );
    cards.set(endpoint.id, card);
    return card;
  }

  /** @param {UiEndpoint} endpoint */
  function renderEndpoint(endpoint) {
    const card = cards.get(endpoint.id);
    if (!card) return;
    const self = /** @type {UiState} */ (model.state).hostname;
    card.root.className = `endpoint s-${endpoint.status}`;
    card.root.dataset.status = endpoint.status;
    card.root.dataset.hostname = self;
    card.ip.textContent = endpoint.ip;
    card.status.className = `badge s-${endpoint.status}`;
    card.status.textContent = endpoint.status;
    card.id.textContent = endpoint.id;

    fill(
      card.holder,
      endpoint.holder === null
        ? h('span', { class: 'muted', text: 'unknown' })
        : h('span', { text: endpoint.holder }),
      endpoint.holder === self ? h('span', { class: 'tag', text: 'this host' }) : null,
    );
    card.holder.dataset.holder = endpoint.holder || '';
    card.fencing.textContent = endpoint.fencing_token ? `fencing token ${endpoint.fencing_token}` : '';

    card.lease.dataset.deadline = endpoint.lease_deadline === null ? '' : String(endpoint.lease_deadline);

    const health = endpoint.health;
    card.health.dataset.ok = health ? String(health.ok) : '';
    fill(
      card.health,
      h('span', {
        class: `health ${health ? (health.ok ? 'ok' : 'failing') : 'unknown'}`,
        text: health
          ? health.ok
            ? 'passing'
            : 'failing'
          : endpoint.checks.length
            ? 'no result yet'
            : 'no checks',
      }),
      health?.detail ? h('span', { class: 'detail mono', text: health.detail }) : null,
    );
    card.checks.replaceChildren(...endpoint.check_labels.map((label) => h('li', { text: label })));

    card.policy.textContent = endpoint.fault_policy;
    card.faults.textContent =
      (endpoint.last_fault ? `last fault: ${endpoint.last_fault}` : 'no fault') +
      (endpoint.conflicts ? ` · ${endpoint.conflicts} ARP conflicts` : '') +
      (endpoint.conflict_mac ? ` · address in use by ${endpoint.conflict_mac}: not taken` : '');

    const records = model.history.get(endpoint.id) || [];
    highlight(card, endpoint.status, records[records.length - 1]);
    renderTimeline(card, records);
  }

  /** Marks the current state, the states containing it, and the arrow that led there. */
  /**
   * @param {Card} card
   * @param {string} status
   * @param {TransitionRecord | undefined} last
   */
  function highlight(card, status, last) {
    card.diagram.dataset.highlighted = status;
    const svg = card.svg;
    if (!svg) return;
    for (const el of svg.querySelectorAll('[data-active], [data-last]')) {
      el.removeAttribute('data-active');
      el.removeAttribute('data-last');
    }
    const leaf = /** @type {SVGGElement | null} */ (svg.querySelector(`g[data-state=${quoted(status)}]`));
    if (!leaf) return;
    leaf.setAttribute('data-active', 'state');
    const lineage = (/** @type {SVGElement} */ g) =>
      [g.dataset.stateId].concat((g.dataset.ancestorIds || '').split(' ').filter(Boolean));
    for (const id of lineage(leaf).slice(1)) {
      const g = svg.querySelector(`g[data-state-id=${quoted(id)}]`);
      if (g) g.setAttribute('data-active', 'ancestor');
    }
    if (!last || last.to !== status) return;
    const from = /** @type {SVGGElement | null} */ (svg.querySelector(`g[data-state=${quoted(last.from)}]`));
    if (!from) return;
    const sources = lineage(from);
    const targets = lineage(leaf);
    const edges = [
      .../** @type {NodeListOf<SVGGElement>} */ (
        svg.querySelectorAll(`g[data-events~=${quoted(last.event)}]`)
      ),
    ].filter((edge) => sources.includes(edge.dataset.source || ''));
    // Records name statuses; the arrow may lead to a state shown under another status (a holder
    // demoted goes through HANDING_BACK, status STANDBY): then every arrow of that event out of it.
    const direct = edges.filter((edge) => targets.includes(edge.dataset.target || ''));
    for (const edge of direct.length > 0 ? direct : edges) edge.setAttribute('data-last', 'true');
  }

  /**
   * @param {Card} card
   * @param {TransitionRecord[]} records
   */
  function renderTimeline(card, records) {
    const newest = records[records.length - 1];
    const key = newest ? recordKey(newest) + records.length : '';
    if (key === card.timelineKey) return;
    card.timelineKey = key;
    if (!records.length) {
      card.timeline.replaceChildren(h('li', { class: 'muted', text: 'no transitions yet' }));
      return;
    }
    card.timeline.replaceChildren(
      ...records
        .slice()
        .reverse()
        .map((r) =>
          h('li', { 'data-testid': 'timeline-entry', 'data-event': r.event, 'data-to': r.to }, [
            h('time', { class: 'mono', datetime: new Date(r.at).toISOString(), text: clock(r.at) }),
            h('span', { class: 'move' }, [
              badge(r.from),
              h('span', { class: 'arrow', text: '→' }),
              badge(r.to),
            ]),
            h('code', { class: 'event', text: r.event }),
            h('div', { class: 'cause', text: r.cause }),
          ]),
        ),
    );
  }

  // ---- cluster

  function renderCluster() {
    const box = element('[data-testid="cluster-vips"]');
    const cluster = /** @type {UiClusterAnswer} */ (model.cluster);
    element('[data-testid="cluster-empty"]').hidden = cluster.vips.length > 0;
    const error = element('[data-testid="cluster-error"]');
    error.hidden = !cluster.error;
    error.textContent = cluster.error || '';
    box.replaceChildren(
      ...cluster.vips.map((vip) => {
        const active = vip.hosts.filter((host) => host.status === 'ACTIVATED');
        return h(
          'div',
          {
            class: 'vip',
            'data-testid': 'cluster-vip',
            'data-election-key': vip.electionKey,
            'data-holder': vip.holder || '',
          },
          [
            h('div', { class: 'vip-head' }, [
              h('span', { class: 'ip mono', text: vip.ip }),
              h('span', { class: 'muted', text: vip.holder ? 'held by ' : 'no holder' }),
              vip.holder ? h('span', { class: 'mono', text: vip.holder }) : null,
              active.length > 1
                ? h('span', {
                    class: 'warning',
                    'data-testid': 'split-brain',
                    text: `${active.length} hosts ACTIVATED: ${active.map((a) => a.hostname).join(', ')}`,
                  })
                : null,
            ]),
            h(
              'div',
              { class: 'hosts' },
              vip.hosts.map((host) =>
                h(
                  'div',
                  {
                    class: `host s-${host.status}${host.self ? ' self' : ''}`,
                    'data-testid': 'cluster-host',
                    'data-hostname': host.hostname,
                    'data-status': host.status,
                    'data-holder': String(host.hostname === vip.holder),
                  },
                  [
                    h('div', { class: 'host-name mono' }, [
                      host.hostname,
                      host.self ? h('span', { class: 'tag', text: 'this host' }) : null,
                      host.hostname === vip.holder
                        ? h('span', { class: 'tag holder', text: 'holder' })
                        : null,
                    ]),
                    badge(host.status),
                    h('div', {
                      class: 'sub',
                      'data-updated-at': host.updatedAt,
                      text: `updated ${ago(host.updatedAt)}`,
                    }),
                  ],
                ),
              ),
            ),
          ],
        );
      }),
    );
  }

  // ---- other hosts on the diagram

  const SVG_NS = 'http://www.w3.org/2000/svg';

  /**
   * @param {string} tag
   * @param {Record<string, string | number>} attrs
   */
  function svgEl(tag, attrs) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
    return el;
  }

  /**
   * Where each state's node sits in the diagram, by state, and how wide each host's name is: every
   * card holds the same drawing, so each is measured once. Measuring per tag (a layout read after
   * each write) made Chromium lay the page out again a hundred times on the first paint.
   * @type {Map<string, DOMRect>}
   */
  const nodeBoxes = new Map();
  /** @type {Map<string, number>} */
  const nameWidths = new Map();

  /**
   * @param {SVGGElement} node
   * @param {string} status
   */
  function nodeBox(node, status) {
    const known = nodeBoxes.get(status);
    if (known) return known;
    const box = node.getBBox();
    if (box.width > 0) nodeBoxes.set(status, box);
    return box;
  }

  /**
   * @param {SVGTextElement} text in the document, holding the name
   * @param {string} name
   */
  function nameWidth(text, name) {
    const known = nameWidths.get(name);
    if (known !== undefined) return known;
    const width = text.getComputedTextLength();
    if (width > 0) nameWidths.set(name, width);
    return width;
  }

  /** A tag per other host on the state it reports, so one diagram shows the whole VIP. */
  function renderPeers() {
    if (!model.state || !model.cluster) return;
    const vips = new Map(model.cluster.vips.map((vip) => [vip.electionKey, vip]));
    for (const endpoint of model.state.endpoints) {
      const card = cards.get(endpoint.id);
      if (!card?.svg) continue;
      const vip = vips.get(endpoint.election_key);
      const peers = vip ? vip.hosts.filter((host) => !host.self) : [];
      const key = peers.map((peer) => `${peer.hostname}=${peer.status}`).join(' ');
      if (key === card.peersKey) continue;
      card.peersKey = key;
      const graph = card.svg.querySelector('g.graph') || card.svg;
      /** @type {Element | null} */
      let layer = graph.querySelector('g.peers');
      if (!layer) {
        layer = svgEl('g', { class: 'peers' });
        graph.append(layer);
      }
      layer.replaceChildren();
      /** @type {Map<Element, number>} */
      const placed = new Map();
      for (const peer of peers) {
        const node = /** @type {SVGGElement | null} */ (
          card.svg.querySelector(`g[data-state=${quoted(peer.status)}]`)
        );
        if (!node) continue;
        const box = nodeBox(node, peer.status);
        const tag = svgEl('g', {
          class: `peer s-${peer.status}`,
          'data-testid': 'peer-marker',
          'data-hostname': peer.hostname,
          'data-state': peer.status,
        });
        const rect = svgEl('rect', { rx: 7, ry: 7, height: 14 });
        const text = /** @type {SVGTextElement} */ (svgEl('text', { 'text-anchor': 'middle' }));
        text.textContent = peer.hostname;
        tag.append(rect, text);
        layer.append(tag);
        const width = nameWidth(text, peer.hostname) + 12;
        // Tags line up leftwards from the node's top-right corner, straddling its border.
        const right = placed.get(node) ?? box.x + box.width - 4;
        placed.set(node, right - width - 3);
        rect.setAttribute('x', String(right - width));
        rect.setAttribute('y', String(box.y - 10));
        rect.setAttribute('width', String(width));
        text.setAttribute('x', String(right - width / 2));
        text.setAttribute('y', String(box.y + 0.5));
        const title = svgEl('title', {});
        title.textContent = `${peer.hostname} is ${peer.status}`;
        tag.append(title);
      }
    }
  }

  // ---- durable history

  /** @param {{ history: TransitionRecord[], source?: string }} answer */
  function renderHistory(answer) {
    const records = [...answer.history].reverse();
    const empty = element('[data-testid="history-empty"]');
    empty.hidden = records.length > 0;
    empty.textContent = 'No transition recorded yet.';
    fill(
      element('[data-testid="history-list"]'),
      ...records.map((r) =>
        h('li', { 'data-testid': 'history-record' }, [
          h('time', { text: `${new Date(r.at).toLocaleDateString()} ${clock(r.at)}` }),
          h('div', { class: 'move' }, [
            h('span', { class: 'mono', text: r.hostname }),
            h('span', { class: 'mono', text: r.ip || r.electionKey }),
            badge(r.from),
            h('span', { class: 'arrow', text: '→' }),
            badge(r.to),
            h('span', { class: 'muted', text: r.cause }),
          ]),
        ]),
      ),
      answer.source === 'local'
        ? h('li', { class: 'muted', text: "etcd could not be read: this host's recent transitions only" })
        : null,
    );
  }

  // ---- clocks

  function tick() {
    if (model.state) {
      for (const endpoint of model.state.endpoints) {
        const card = cards.get(endpoint.id);
        if (!card) continue;
        const deadline = endpoint.lease_deadline;
        if (deadline === null) {
          card.lease.textContent = 'no lease';
          card.lease.dataset.level = 'none';
          card.leaseBar.style.width = '0%';
          continue;
        }
        const remaining = deadline - agentNow();
        const span = model.leaseSpan.get(endpoint.id);
        const full = span && span.deadline === deadline ? span.full : Math.max(remaining, 1);
        model.leaseSpan.set(endpoint.id, { deadline, full: Math.max(full, remaining) });
        card.lease.textContent = remaining >= 0 ? seconds(remaining) : `expired ${seconds(-remaining)} ago`;
        card.lease.dataset.level = remaining < 0 ? 'expired' : remaining < 2000 ? 'low' : 'ok';
        card.leaseBar.style.width = `${Math.max(0, Math.min(100, (100 * remaining) / full))}%`;
      }
    }
    for (const el of /** @type {NodeListOf<HTMLElement>} */ (
      document.querySelectorAll('[data-updated-at]')
    )) {
      // Written only when it changes: every write makes Chromium lay the page out again.
      const text = `updated ${ago(Number(el.dataset.updatedAt))}`;
      if (el.textContent !== text) el.textContent = text;
    }
  }

  connect();
  refreshState();
  refreshCluster();
  refreshHistory();
  setInterval(refreshHistory, HISTORY_POLL_MS);
  setInterval(refreshState, STATE_POLL_MS);
  setInterval(refreshCluster, CLUSTER_POLL_MS);
  setInterval(tick, 100);
})();
