// A preview of the first rows of a chosen CSV file, so a researcher sees how it will be read
// before the server validates every line.

export function parseCsv(text, maxRows) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if ((field !== '' || row.length > 0) && rows.length < maxRows) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function previewCsv(input, target) {
  if (!target) return;
  target.replaceChildren();
  const file = input.files && input.files[0];
  if (!file) return;
  file.slice(0, 64 * 1024).text().then((text) => {
    const rows = parseCsv(text, 11);
    const table = document.createElement('table');
    const caption = document.createElement('caption');
    caption.textContent = `Preview of ${file.name}: the first ${Math.max(rows.length - 1, 0)} rows`;
    table.append(caption);
    rows.forEach((cells, index) => {
      const tr = document.createElement('tr');
      cells.forEach((cell) => {
        const td = document.createElement(index === 0 ? 'th' : 'td');
        if (index === 0) td.scope = 'col';
        td.textContent = cell;
        tr.append(td);
      });
      table.append(tr);
    });
    target.append(table);
  });
}
