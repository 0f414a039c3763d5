// The evidence panel: why an edge or a node is there, read from the network's evidence API.
// Snippets show their matches marked; pages link to the page view; "More" follows
// `next_cursor`. Every control is a button, so the panel works from the keyboard.

function element(tag, text, attrs = {}) {
  const el = document.createElement(tag);
  if (text !== undefined && text !== null) el.textContent = text;
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
  return el;
}

/// A snippet with its matches in <mark>. Offsets are in code points, as the API gives them.
function snippet(s) {
  const quote = element('blockquote', undefined, { class: 'snippet' });
  const chars = Array.from(s.text);
  let at = 0;
  for (const [start, end] of s.matches) {
    if (start < at || end > chars.length) continue;
    quote.append(document.createTextNode(chars.slice(at, start).join('')));
    quote.append(element('mark', chars.slice(start, end).join('')));
    at = end;
  }
  quote.append(document.createTextNode(chars.slice(at).join('')));
  return quote;
}

function pageLink(item) {
  const p = element('p');
  p.append(element('a', item.title || item.url, { href: `/pages/${item.page_id}` }));
  p.append(document.createTextNode(' '));
  p.append(element('span', item.url, { class: 'muted url' }));
  return p;
}

function format(n) {
  return Number.isInteger(n) ? String(n) : n.toFixed(4);
}

/// One item as list entries; `openEdge` opens another edge's evidence (from a node's list).
function render(item, openEdge) {
  const li = element('li', undefined, { class: `evidence-${item.type}` });
  switch (item.type) {
    case 'search_result':
      li.append(element('p', `“${item.query}”, rank ${item.rank} (session ${item.session_id})`));
      li.append(pageLinkFromResult(item));
      if (item.snippet) li.append(element('blockquote', item.snippet, { class: 'snippet' }));
      break;
    case 'page':
      li.append(pageLink(item));
      li.append(element('p', `${item.count} occurrence${item.count === 1 ? '' : 's'} on the page`, { class: 'muted' }));
      item.snippets.forEach((s) => li.append(snippet(s)));
      break;
    case 'linking_page': {
      li.append(pageLink(item));
      const links = element('ul');
      item.links.forEach((l) => {
        const entry = element('li');
        entry.append(element('span', l.anchor ? `“${l.anchor}” → ` : '(no anchor text) → '), element('span', l.url, { class: 'url' }));
        links.append(entry);
      });
      li.append(links);
      break;
    }
    case 'shared':
      li.append(element('p', `${item.node.label} (${item.node.kind}): ${format(item.source_weight)} and ${format(item.target_weight)}`));
      break;
    case 'edge': {
      const button = element('button', item.node.label, { type: 'button', class: 'link' });
      button.addEventListener('click', () => openEdge(item.node.id));
      li.append(button);
      li.append(document.createTextNode(` ${format(item.weight)} (${(item.share * 100).toFixed(1)}% of the weighted degree), ${item.evidence} ${item.evidence_of}`));
      break;
    }
    default:
      li.append(element('p', JSON.stringify(item)));
  }
  return li;
}

function pageLinkFromResult(item) {
  const p = element('p');
  p.append(element('a', item.title || item.url, { href: item.url, rel: 'noopener noreferrer', target: '_blank' }));
  p.append(document.createTextNode(' '));
  p.append(element('span', item.url, { class: 'muted url' }));
  return p;
}

function summary(data) {
  if (data.term) {
    const t = data.term;
    return `TF-IDF ${format(t.tfidf)} = count ${t.count} / occurrences ${t.occurrences ?? '?'} × idf ${t.idf === null ? '?' : format(t.idf)} (df ${t.df ?? '?'}).`;
  }
  if (data.node) return `Weighted degree ${format(data.weight)}, made of ${data.total} edge${data.total === 1 ? '' : 's'}, heaviest first.`;
  return `Weight ${format(data.weight)}; ${data.total} piece${data.total === 1 ? '' : 's'} of evidence.`;
}

/// Shows the evidence for `query` (`source`/`target` or `node`) in `container`.
/// `openEdge(other)` is called when a node's edge is chosen from its list.
/// `focus` moves the keyboard focus to the evidence once it is shown.
export async function showEvidence(container, endpoint, query, title, openEdge, focus = true) {
  container.hidden = false;
  container.replaceChildren(element('h3', title, { id: 'evidence-title', tabindex: '-1' }));
  const status = element('p', 'Loading the evidence…', { class: 'muted', role: 'status' });
  container.append(status);
  const list = element('ol', undefined, { class: 'evidence' });
  const more = element('button', 'More', { type: 'button', class: 'secondary', id: 'evidence-more' });
  more.hidden = true;
  let cursor = null;
  let first = true;
  async function load() {
    const params = new URLSearchParams(query);
    if (cursor) params.set('cursor', cursor);
    more.disabled = true;
    const response = await fetch(`${endpoint}?${params}`, { credentials: 'same-origin' });
    more.disabled = false;
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      status.textContent = `The evidence could not be loaded: ${body.error?.message ?? `HTTP ${response.status}`}.`;
      return;
    }
    const data = await response.json();
    if (first) {
      status.textContent = summary(data);
      first = false;
    }
    data.items.forEach((item) => list.append(render(item, openEdge)));
    cursor = data.next_cursor ?? null;
    more.hidden = cursor === null;
    more.textContent = cursor === null ? 'More' : `More (${list.children.length} of ${data.total} shown)`;
    container.dataset.loaded = String(list.children.length);
  }
  more.addEventListener('click', () => load().catch((err) => { status.textContent = `The evidence failed: ${err.message}`; }));
  container.append(list, more);
  await load();
  if (focus) container.querySelector('#evidence-title').focus();
}
