// Prospection from the keyboard: ↑/↓ (or j/k) move between websites, i/o/u set the one in
// focus IN, OUT or undecided. With JavaScript the status is patched through the API in
// place and focus moves on; without it, each row's buttons post a plain form.

const STATUS = { i: 'in', o: 'out', u: 'undecided' };

function rows(table) {
  return [...table.querySelectorAll('tr[data-website]')];
}

function announce(text) {
  const status = document.getElementById('prospect-status');
  if (status) {
    status.textContent = text;
    status.hidden = false;
  }
}

async function decide(table, row, status) {
  const project = table.dataset.project;
  const response = await fetch(`/api/projects/${project}/websites/${row.dataset.website}`, {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try {
      message = (await response.json()).error.message;
    } catch {
      // Keep the status line.
    }
    announce(`${row.dataset.unit}: not changed (${message})`);
    return false;
  }
  const badge = row.querySelector('[data-prospect-status]');
  if (badge) badge.innerHTML = `<span class="status status-${status}">${status}</span>`;
  row.dataset.decided = status;
  announce(`${row.dataset.unit} is now ${status}`);
  return true;
}

export function installProspection() {
  const table = document.querySelector('table[data-prospection]');
  if (!table) return;
  const all = rows(table);
  if (all.length === 0) return;
  const focusRow = (row) => {
    all.forEach((r) => r.classList.remove('current'));
    row.classList.add('current');
    row.focus();
  };
  document.addEventListener('keydown', async (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof Element && target.closest('input, textarea, select, [contenteditable]')) return;
    const current = all.find((r) => r === document.activeElement) || all.find((r) => r.classList.contains('current'));
    const index = current ? all.indexOf(current) : -1;
    if (event.key === 'ArrowDown' || event.key === 'j') {
      event.preventDefault();
      focusRow(all[Math.min(index + 1, all.length - 1)]);
    } else if (event.key === 'ArrowUp' || event.key === 'k') {
      event.preventDefault();
      focusRow(all[Math.max(index - 1, 0)]);
    } else if (STATUS[event.key] && current && !('readonly' in table.dataset)) {
      event.preventDefault();
      if (await decide(table, current, STATUS[event.key]) && index + 1 < all.length) {
        focusRow(all[index + 1]);
      }
    }
  });
  focusRow(all[0]);
}
