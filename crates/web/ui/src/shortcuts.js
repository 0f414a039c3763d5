// Keyboard shortcuts. `?` lists them. They never act while a form field, button or link has
// focus, nor with a modifier held, so Enter and Space keep their usual meaning everywhere.

const GO = { d: '/', s: '/sessions/new', c: '/crawls', n: '/networks', a: '/account' };

function typingOrActivating(target) {
  if (!(target instanceof Element)) return false;
  return Boolean(target.closest('input, textarea, select, button, a, [contenteditable], [role=button]'));
}

export function installShortcuts() {
  let pendingG = false;
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typingOrActivating(event.target)) return;
    const dialog = document.getElementById('shortcuts');
    if (event.key === '?') {
      event.preventDefault();
      if (dialog && !dialog.open) dialog.showModal();
      return;
    }
    if (event.key === '/') {
      const search = document.querySelector('[data-shortcut-search]');
      if (search) {
        event.preventDefault();
        search.focus();
      }
      return;
    }
    if (pendingG && GO[event.key]) {
      event.preventDefault();
      pendingG = false;
      window.location.assign(GO[event.key]);
      return;
    }
    pendingG = event.key === 'g';
  });
  document.addEventListener('click', (event) => {
    const opener = event.target instanceof Element && event.target.closest('[data-open-dialog]');
    if (opener) document.getElementById(opener.dataset.openDialog)?.showModal();
    const closer = event.target instanceof Element && event.target.closest('[data-close-dialog]');
    if (closer) closer.closest('dialog')?.close();
  });
}
