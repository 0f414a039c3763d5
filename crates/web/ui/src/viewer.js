// The network viewer: sigma.js (WebGL) over a graphology graph downloaded from the API, drawn
// at the server's layout, with optional ForceAtlas2 continued in a web worker.
import Graph from 'graphology';
import Sigma from 'sigma';
import { EdgeLineProgram, NodePointProgram } from 'sigma/rendering';
import FA2Layout from 'graphology-layout-forceatlas2/worker';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import { downloadAsPNG } from '@sigma/export-image';
import { showEvidence } from './evidence.js';

const root = document.getElementById('viewer');
// Two networks shown as one: every node and edge has `change` (added, removed, kept).
const comparison = root?.dataset.comparison === 'true';
const CHANGE_COLORS = new Map([['added', '#2ca02c'], ['removed', '#d62728'], ['kept', '#a1a1aa']]);
const COMPARE_STATES = ['before', 'both', 'after'];
const $ = (id) => document.getElementById(id);
// Where the evidence behind an edge or node is read (absent for a comparison).
const evidenceEndpoint = root?.dataset.evidence;

const state = {
  hidden: new Set(),
  large: false,
  hovered: null,
  selected: null,
  neighbours: new Set(),
  kinds: new Set(),
  minDegree: 0,
  community: '',
  // A category filter: `{ key, value }` or null.
  category: null,
  // Per category key, the colour of each value.
  categoryColors: new Map(),
  colorBy: root?.dataset.coloring === 'community' ? 'community' : 'type',
  sizeBy: 'server',
  // In a comparison: `before` hides what was added, `after` what was removed.
  compareState: 'both',
};

/// Whether the comparison state hides a node or edge with this `change`.
function hiddenByState(change) {
  return (state.compareState === 'before' && change === 'added') || (state.compareState === 'after' && change === 'removed');
}

function announce(text) {
  const status = $('viewer-status');
  if (status) status.textContent = text;
}

function element(tag, text, attrs = {}) {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
  return el;
}

function passesFilters(graph, node, attrs) {
  if (!state.kinds.has(attrs.kind)) return false;
  if ((attrs.degree ?? graph.degree(node)) < state.minDegree) return false;
  if (state.community !== '' && String(attrs.community) !== state.community) return false;
  if (state.category && String(attrs[state.category.key] ?? '') !== state.category.value) return false;
  if (comparison && hiddenByState(attrs.change)) return false;
  return true;
}

// Distinguishable on white and dark backgrounds; values past the palette repeat it.
const CATEGORY_PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#7f7f7f'];
const NO_VALUE = '#d4d4d8';

/// The string attributes a project's curation put on website nodes (`status`, `sector`…),
/// each with its values, most frequent first.
function categories(graph, declarations) {
  const skip = new Set(['kind', 'community_color', 'actor']);
  const keys = (declarations || []).filter((d) => d.type === 'string' && !skip.has(d.key)).map((d) => d.key);
  const out = new Map();
  for (const key of keys) {
    const counts = new Map();
    graph.forEachNode((_, attrs) => {
      if (attrs[key] !== undefined && attrs[key] !== null && attrs[key] !== '') {
        const v = String(attrs[key]);
        counts.set(v, (counts.get(v) || 0) + 1);
      }
    });
    if (counts.size > 0) out.set(key, [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v]) => v));
  }
  return out;
}

function swatch(color) {
  const el = element('span', undefined, { class: 'swatch', 'aria-hidden': 'true' });
  // CSSOM, not a style attribute: the page's CSP allows no inline styles.
  el.style.background = color;
  return el;
}

function showLegend(key) {
  const legend = $('category-legend');
  if (!legend) return;
  legend.replaceChildren();
  const colors = state.categoryColors.get(key);
  legend.hidden = !colors;
  if (!colors) return;
  for (const [value, color] of colors) {
    const li = element('li');
    li.append(swatch(color), document.createTextNode(` ${value}`));
    legend.append(li);
  }
  const none = element('li');
  none.append(swatch(NO_VALUE), document.createTextNode(' no value'));
  legend.append(none);
}

/// Filters change rarely and reducers run per node and edge on every refresh, so the hidden
/// nodes are worked out once per change.
function applyFilters(graph) {
  state.hidden = new Set();
  graph.forEachNode((node, attrs) => {
    if (!passesFilters(graph, node, attrs)) state.hidden.add(node);
  });
}

function nodeSize(graph, node, attrs) {
  if (state.sizeBy === 'degree') return 2 + Math.sqrt(attrs.degree ?? graph.degree(node)) * 2;
  return attrs.size ?? 4;
}

function showDetails(graph, renderer, node) {
  const panel = $('details');
  panel.replaceChildren();
  if (node === null) {
    panel.append(element('p', 'Select a node (click it, or find it by name) to see its attributes and neighbours.'));
    return;
  }
  const attrs = graph.getNodeAttributes(node);
  panel.append(element('h2', attrs.label ?? node, { id: 'details-title', tabindex: '-1' }));
  const table = element('table', undefined, { class: 'attributes' });
  table.append(element('caption', 'Attributes'));
  Object.entries(attrs)
    .filter(([key]) => !['x', 'y', 'size', 'color', 'label', 'highlighted', 'hidden'].includes(key))
    .forEach(([key, value]) => {
      const tr = element('tr');
      const shown = typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(3) : String(value);
      tr.append(element('th', key, { scope: 'row' }), element('td', shown));
      table.append(tr);
    });
  panel.append(table);
  const neighbours = graph.neighbors(node)
    .map((n) => [n, graph.getNodeAttribute(n, 'label') ?? n])
    .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
  panel.append(element('h3', `Neighbours (${neighbours.length})`));
  const list = element('ul', undefined, { class: 'neighbours' });
  neighbours.slice(0, 200).forEach(([n, label]) => {
    const li = element('li');
    const button = element('button', label, { type: 'button', class: 'link' });
    button.addEventListener('click', () => select(graph, renderer, n));
    li.append(button);
    if (evidenceEndpoint) {
      const why = element('button', 'evidence', { type: 'button', class: 'link evidence-link', 'aria-label': `Evidence for the edge to ${label}` });
      why.addEventListener('click', () => openEdge(graph, renderer, node, n));
      li.append(document.createTextNode(' · '), why);
    }
    list.append(li);
  });
  panel.append(list);
  if (neighbours.length > 200) panel.append(element('p', `… and ${neighbours.length - 200} more.`));
  $('details-title').focus();
  if (evidenceEndpoint) {
    const section = element('section', undefined, { id: 'evidence', 'aria-label': 'Evidence' });
    panel.append(section);
    showEvidence(section, evidenceEndpoint, { node }, 'What its weighted degree is made of',
      (other) => openEdge(graph, renderer, node, other), false)
      .catch((err) => { section.textContent = `The evidence failed: ${err.message}`; });
  }
}

/// The evidence behind the edge between `a` and `b`, in the details panel. In a directed
/// network the edge is asked for the way it runs.
function openEdge(graph, renderer, a, b) {
  const edge = graph.edge(a, b) ?? graph.edge(b, a);
  if (edge === undefined) return;
  const [source, target] = [graph.source(edge), graph.target(edge)];
  const label = (n) => graph.getNodeAttribute(n, 'label') ?? n;
  const panel = $('details');
  panel.replaceChildren();
  const back = element('button', `Back to ${label(a)}`, { type: 'button', class: 'secondary' });
  back.addEventListener('click', () => select(graph, renderer, a));
  const arrow = graph.type === 'directed' ? '→' : '–';
  panel.append(back, element('h2', `${label(source)} ${arrow} ${label(target)}`, { id: 'details-title', tabindex: '-1' }));
  const section = element('section', undefined, { id: 'evidence', 'aria-label': 'Evidence' });
  panel.append(section);
  announce(`Evidence for the edge ${label(source)} ${arrow} ${label(target)}.`);
  showEvidence(section, evidenceEndpoint, { source, target }, 'Why this edge is here', (other) => openEdge(graph, renderer, source, other))
    .catch((err) => { section.textContent = `The evidence failed: ${err.message}`; });
}

/// The nodes and edges whose drawing depends on `node` being in focus.
function neighbourhood(graph, node) {
  if (node === null || node === undefined) return { nodes: [], edges: [] };
  return { nodes: [node, ...graph.neighbors(node)], edges: graph.edges(node) };
}

/// Moves the focus (hover or selection). Small graphs dim everything else, which redraws it
/// all; large ones only mark the neighbourhood, redrawing just the nodes and edges that change.
function refocus(graph, renderer, before, after) {
  if (!state.large) {
    renderer.refresh({ skipIndexation: true });
    return;
  }
  const old = neighbourhood(graph, before);
  const now = neighbourhood(graph, after);
  renderer.refresh({
    partialGraph: { nodes: [...old.nodes, ...now.nodes], edges: [...old.edges, ...now.edges] },
    skipIndexation: true,
  });
}

function select(graph, renderer, node) {
  const before = state.hovered ?? state.selected;
  state.selected = node;
  state.neighbours = node === null ? new Set() : new Set(graph.neighbors(node));
  showDetails(graph, renderer, node);
  if (node !== null) {
    const position = renderer.getNodeDisplayData(node);
    if (position) renderer.getCamera().animate({ x: position.x, y: position.y, ratio: 0.3 }, { duration: 400 });
    announce(`Selected ${graph.getNodeAttribute(node, 'label') ?? node}: ${state.neighbours.size} neighbours.`);
  }
  refocus(graph, renderer, before, state.hovered ?? state.selected);
}

function countVisible(graph) {
  announce(`Showing ${graph.order - state.hidden.size} of ${graph.order} nodes and ${graph.size} edges.`);
}

function filtersChanged(graph, renderer) {
  applyFilters(graph);
  renderer.refresh();
  countVisible(graph);
}

function buildCategories(graph, renderer, declarations) {
  const found = categories(graph, declarations);
  const colorBy = $('color-by');
  const filter = $('filter-category');
  for (const [key, values] of found) {
    state.categoryColors.set(key, new Map(values.map((v, i) => [v, CATEGORY_PALETTE[i % CATEGORY_PALETTE.length]])));
    colorBy.append(element('option', `Category: ${key}`, { value: `category:${key}` }));
    const group = element('optgroup', undefined, { label: key });
    values.forEach((v) => group.append(element('option', v, { value: JSON.stringify([key, v]) })));
    filter.append(group);
  }
  filter.closest('div').hidden = found.size === 0;
  if (comparison && found.has('change')) {
    state.categoryColors.set('change', CHANGE_COLORS);
    state.colorBy = 'category:change';
    showLegend('change');
  }
  filter.addEventListener('change', () => {
    state.category = filter.value === '' ? null : (([key, value]) => ({ key, value }))(JSON.parse(filter.value));
    filtersChanged(graph, renderer);
  });
}

function buildFilters(graph, renderer) {
  const kinds = new Set();
  const communities = new Set();
  graph.forEachNode((_, attrs) => {
    kinds.add(attrs.kind);
    if (attrs.community !== undefined) communities.add(attrs.community);
  });
  state.kinds = new Set(kinds);
  const kindBox = $('filter-kinds');
  [...kinds].sort().forEach((kind) => {
    const id = `kind-${kind}`;
    const label = element('label', undefined, { for: id });
    const box = element('input', undefined, { type: 'checkbox', id, value: kind });
    box.checked = true;
    box.addEventListener('change', () => {
      if (box.checked) state.kinds.add(kind);
      else state.kinds.delete(kind);
      filtersChanged(graph, renderer);
    });
    label.append(box, document.createTextNode(` ${kind}`));
    kindBox.append(label);
  });
  const communitySelect = $('filter-community');
  [...communities].sort((a, b) => a - b).forEach((c) => communitySelect.append(element('option', `Community ${c}`, { value: String(c) })));
  communitySelect.addEventListener('change', () => {
    state.community = communitySelect.value;
    filtersChanged(graph, renderer);
  });
  let maxDegree = 0;
  graph.forEachNode((node, attrs) => {
    maxDegree = Math.max(maxDegree, attrs.degree ?? graph.degree(node));
  });
  const degree = $('filter-degree');
  degree.max = String(maxDegree);
  degree.addEventListener('input', () => {
    state.minDegree = Number(degree.value) || 0;
    $('filter-degree-value').textContent = String(state.minDegree);
    filtersChanged(graph, renderer);
  });
  $('color-by').value = state.colorBy;
  $('color-by').addEventListener('change', (event) => {
    state.colorBy = event.target.value;
    showLegend(state.colorBy.startsWith('category:') ? state.colorBy.slice('category:'.length) : null);
    renderer.refresh();
  });
  $('size-by').addEventListener('change', (event) => {
    state.sizeBy = event.target.value;
    renderer.refresh();
  });
}

function installSearch(graph, renderer) {
  const labels = $('node-labels');
  const byLabel = new Map();
  graph.forEachNode((node, attrs) => {
    const label = String(attrs.label ?? node);
    byLabel.set(label.toLowerCase(), node);
    labels.append(element('option', undefined, { value: label }));
  });
  $('node-search').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = $('node-query').value.trim().toLowerCase();
    const message = $('node-search-error');
    message.textContent = '';
    if (!query) return;
    let node = byLabel.get(query);
    if (node === undefined) {
      for (const [label, candidate] of byLabel) {
        if (label.includes(query)) {
          node = candidate;
          break;
        }
      }
    }
    if (node === undefined) {
      message.textContent = `No node matches “${$('node-query').value}”.`;
      return;
    }
    select(graph, renderer, node);
  });
}

function installComparison(graph, renderer) {
  const slider = $('compare-state');
  if (!comparison || !slider) return;
  slider.addEventListener('input', () => {
    state.compareState = COMPARE_STATES[Number(slider.value)] ?? 'both';
    $('compare-state-value').textContent = state.compareState;
    slider.setAttribute('aria-valuetext', state.compareState);
    filtersChanged(graph, renderer);
  });
}

function installLayout(graph, renderer) {
  const button = $('layout-toggle');
  let layout = null;
  button.addEventListener('click', () => {
    if (layout && layout.isRunning()) {
      layout.stop();
      button.textContent = 'Continue layout (ForceAtlas2)';
      button.setAttribute('aria-pressed', 'false');
      announce('Layout stopped.');
      return;
    }
    if (!layout) {
      const settings = forceAtlas2.inferSettings(graph);
      layout = new FA2Layout(graph, { settings: { ...settings, barnesHutOptimize: graph.order > 500 } });
    }
    layout.start();
    button.textContent = 'Stop layout';
    button.setAttribute('aria-pressed', 'true');
    announce('ForceAtlas2 is running in a web worker.');
  });
  window.addEventListener('beforeunload', () => layout?.kill());
}

async function main() {
  if (!root) return;
  announce('Loading the network…');
  const response = await fetch(root.dataset.source, { credentials: 'same-origin' });
  if (!response.ok) {
    announce(`The network could not be loaded (HTTP ${response.status}).`);
    return;
  }
  const data = await response.json();
  const graph = new Graph({ type: data.options?.type ?? 'undirected', multi: false, allowSelfLoops: true });
  graph.import(data);
  graph.forEachNode((node, attrs) => {
    if (typeof attrs.x !== 'number' || typeof attrs.y !== 'number') {
      graph.mergeNodeAttributes(node, { x: Math.random(), y: Math.random() });
    }
  });
  state.large = graph.order > 1000 || graph.size > 5000;
  const renderer = new Sigma(graph, $('graph'), {
    hideEdgesOnMove: state.large,
    hideLabelsOnMove: state.large,
    labelRenderedSizeThreshold: state.large ? 12 : 8,
    labelDensity: state.large ? 0.4 : 1,
    // Clicking an edge opens its evidence; picking edges costs too much on large graphs,
    // where the details panel's buttons reach the same evidence.
    enableEdgeEvents: Boolean(evidenceEndpoint) && !state.large,
    // Sorting by z-index costs a sort of every node per refresh; large graphs do without.
    zIndex: !state.large,
    // Large graphs draw nodes as points and edges as lines: far less for the GPU to fill.
    ...(state.large ? {
      defaultNodeType: 'point',
      defaultEdgeType: 'line',
      nodeProgramClasses: { point: NodePointProgram },
      edgeProgramClasses: { line: EdgeLineProgram },
    } : {}),
    nodeReducer: (node, attrs) => {
      if (state.hidden.has(node)) return { ...attrs, hidden: true };
      const out = { ...attrs };
      if (state.sizeBy === 'degree') out.size = nodeSize(graph, node, attrs);
      if (state.colorBy === 'community' && attrs.community_color) out.color = attrs.community_color;
      if (state.colorBy.startsWith('category:')) {
        const key = state.colorBy.slice('category:'.length);
        out.color = state.categoryColors.get(key)?.get(String(attrs[key] ?? '')) ?? NO_VALUE;
      }
      const focus = state.hovered ?? state.selected;
      if (focus === null) return out;
      if (node === focus) {
        out.highlighted = true;
        out.zIndex = 2;
      } else if (graph.areNeighbors(node, focus)) {
        out.forceLabel = true;
        out.zIndex = 1;
      } else if (!state.large) {
        out.color = '#d4d4d8';
        out.label = '';
        out.zIndex = 0;
      }
      return out;
    },
    edgeReducer: (edge, edgeAttrs) => {
      let attrs = edgeAttrs;
      if (comparison) {
        if (hiddenByState(attrs.change)) return { ...attrs, hidden: true };
        if (state.colorBy === 'category:change' && CHANGE_COLORS.has(attrs.change)) {
          attrs = { ...attrs, color: CHANGE_COLORS.get(attrs.change) };
        }
      }
      const focus = state.hovered ?? state.selected;
      if (state.hidden.size === 0 && focus === null) return attrs;
      const source = graph.source(edge);
      const target = graph.target(edge);
      if (state.hidden.has(source) || state.hidden.has(target)) return { ...attrs, hidden: true };
      if (focus === null) return attrs;
      const incident = source === focus || target === focus;
      // Thick enough to see, and to click for its evidence.
      if (incident) return { ...attrs, color: '#c2410c', size: Math.max(attrs.size ?? 1, 3), zIndex: 1 };
      return state.large ? attrs : { ...attrs, hidden: true };
    },
  });
  renderer.on('enterNode', ({ node }) => {
    const before = state.hovered ?? state.selected;
    state.hovered = node;
    refocus(graph, renderer, before, node);
  });
  renderer.on('leaveNode', () => {
    const before = state.hovered;
    state.hovered = null;
    refocus(graph, renderer, before, state.selected);
  });
  renderer.on('clickNode', ({ node }) => select(graph, renderer, node));
  renderer.on('clickStage', () => select(graph, renderer, null));
  if (evidenceEndpoint) {
    renderer.on('clickEdge', ({ edge }) => openEdge(graph, renderer, graph.source(edge), graph.target(edge)));
  }

  buildCategories(graph, renderer, data.attributes?.node_attributes);
  buildFilters(graph, renderer);
  installSearch(graph, renderer);
  installComparison(graph, renderer);
  installLayout(graph, renderer);
  showDetails(graph, renderer, null);
  $('zoom-in').addEventListener('click', () => renderer.getCamera().animatedZoom({ duration: 200 }));
  $('zoom-out').addEventListener('click', () => renderer.getCamera().animatedUnzoom({ duration: 200 }));
  $('zoom-reset').addEventListener('click', () => renderer.getCamera().animatedReset({ duration: 200 }));
  $('export-png').addEventListener('click', () => downloadAsPNG(renderer, {
    fileName: root.dataset.fileName || 'network',
    backgroundColor: '#ffffff',
  }));
  root.dataset.ready = 'true';
  countVisible(graph);
}

main().catch((err) => announce(`The viewer failed: ${err.message}`));
