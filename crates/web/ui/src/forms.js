// Forms whose `data-api` names a JSON API route. The body is built from the named fields
// (dotted names nest; `data-type` converts); a failure's error envelope is shown beside the
// fields it names, and success follows `data-redirect` (`{id}` is taken from the answer).

function convert(input, raw) {
  switch (input.dataset.type) {
    case 'int': {
      const n = Number(raw);
      return Number.isFinite(n) && raw.trim() !== '' ? n : raw;
    }
    case 'float': {
      const n = Number(raw);
      return Number.isFinite(n) && raw.trim() !== '' ? n : raw;
    }
    case 'ids':
      return raw.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    case 'bool':
      return raw === 'true';
    case 'lines':
      return raw.split('\n').map((s) => s.trim()).filter(Boolean);
    case 'list':
      return raw.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
    default:
      return raw;
  }
}

function assign(target, path, value) {
  const keys = path.split('.');
  let node = target;
  keys.slice(0, -1).forEach((key) => {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key];
  });
  node[keys[keys.length - 1]] = value;
}

export function formBody(form) {
  const body = {};
  for (const input of form.elements) {
    // `_api` and `_then` serve the same form posted without JavaScript (`/act`).
    if (!input.name || input.name.startsWith('_') || input.disabled || input.type === 'submit' || input.type === 'file') continue;
    if (input.type === 'checkbox') {
      assign(body, input.name, input.checked);
      continue;
    }
    if (input.type === 'radio' && !input.checked) continue;
    if (input instanceof HTMLSelectElement && input.multiple) {
      const picked = [...input.selectedOptions].map((o) => (input.dataset.type === 'ids' ? Number(o.value) : o.value));
      assign(body, input.name, picked);
      continue;
    }
    if (input.value.trim() === '' && !input.dataset.keepEmpty) continue;
    assign(body, input.name, convert(input, input.value));
  }
  return body;
}

/// The field element an API error names: exact, without an index (`queries[2]`), or the
/// nearest dotted parent (`params.backbone.alpha` → `params.backbone`).
function fieldFor(form, name) {
  const candidates = [name, name.replace(/\[\d+\]$/, '')];
  let parent = name;
  while (parent.includes('.')) {
    parent = parent.slice(0, parent.lastIndexOf('.'));
    candidates.push(parent);
  }
  // Error fields name the request's own shape; a form may prefix them (config.depth).
  for (const candidate of candidates) {
    const found = [...form.elements].find((el) => el.name === candidate || el.name.endsWith(`.${candidate}`));
    if (found) return found;
  }
  return null;
}

/// A body the API could not read names its field only in the message
/// (`invalid request body: params: missing field \`type\``); place it beside that field too.
function namedInMessage(message) {
  const found = /(?:([\w.[\]]+): )?(missing|unknown) field `([^`]+)`/.exec(message || '');
  if (!found) return [];
  const [, rawPath, what, name] = found;
  // The request body itself is reported as `body`.
  const path = rawPath === 'body' ? undefined : rawPath?.replace(/^body\./, '');
  const field = what === 'missing' && path ? `${path}.${name}` : (path || name);
  return [{ field, message: message.replace(/^invalid request body: /, '').replace(/ at line \d+ column \d+$/, '') }];
}

function clearErrors(form) {
  form.querySelectorAll('[data-error-for]').forEach((el) => {
    el.textContent = '';
    el.hidden = true;
  });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const summary = form.querySelector('.form-errors');
  if (summary) {
    summary.textContent = '';
    summary.hidden = true;
  }
}

function showErrors(form, envelope, status) {
  const error = (envelope && envelope.error) || { message: `The request failed (HTTP ${status}).` };
  const fields = (error.details && error.details.fields) || namedInMessage(error.message);
  const unplaced = [];
  let first = null;
  for (const issue of fields) {
    const input = fieldFor(form, issue.field);
    const slot = input && form.querySelector(`[data-error-for="${input.name}"]`);
    if (!slot) {
      unplaced.push(`${issue.field}: ${issue.message}`);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent} ${issue.message}` : issue.message;
    slot.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    first = first || input;
  }
  const summary = form.querySelector('.form-errors');
  const message = fields.length === 0 ? error.message : unplaced.join('; ');
  if (summary && message) {
    summary.textContent = message;
    summary.hidden = false;
  }
  (first || summary)?.focus?.();
}

export async function submitApiForm(form) {
  clearErrors(form);
  const submit = form.querySelector('[type=submit]');
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  if (submit) submit.disabled = true;
  const method = (form.dataset.method || 'POST').toUpperCase();
  const file = form.querySelector('input[type=file]');
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (file && file.files.length > 0) {
    const data = new FormData();
    for (const [key, value] of Object.entries(formBody(form))) {
      data.append(key, Array.isArray(value) ? value.join('\n') : String(value));
    }
    data.append(file.name, file.files[0]);
    init.body = data;
  } else if (method !== 'GET' && method !== 'DELETE') {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(formBody(form));
  }
  try {
    const response = await fetch(form.dataset.api, init);
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      showErrors(form, json, response.status);
      return;
    }
    const target = form.dataset.redirect;
    const status = form.querySelector('.form-status');
    if (form.dataset.success && status) {
      form.reset();
      status.textContent = form.dataset.success;
      status.hidden = false;
    } else if (target) {
      window.location.assign(target.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(json?.[key] ?? '')));
    } else {
      window.location.reload();
    }
  } catch (err) {
    showErrors(form, { error: { message: `The server could not be reached: ${err.message}` } }, 0);
  } finally {
    if (submit) submit.disabled = false;
  }
}
