// Copy buttons, sortable tables and table filters. Plain DOM, no dependencies; text only, never innerHTML.
(function () {
  'use strict';

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-copy]');
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) return;
    copyText(source.textContent).then(
      function () {
        flash(button, 'Copied');
      },
      function () {
        flash(button, 'Select and copy');
      },
    );
  });

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand('copy');
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(area);
      ok ? resolve() : reject(new Error('copy failed'));
    });
  }

  function flash(button, text) {
    var before = button.textContent;
    button.textContent = text;
    setTimeout(function () {
      button.textContent = before;
    }, 1500);
  }

  document.querySelectorAll('table[data-sortable]').forEach(function (table) {
    // Each sortable heading holds a <button>, so it is reached with Tab and operated with Enter or Space.
    table.querySelectorAll('th[data-sort]').forEach(function (th) {
      var index = th.cellIndex;
      var button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', function () {
        var numeric = th.getAttribute('data-sort') === 'num';
        var descending = th.getAttribute('aria-sort') === 'ascending';
        table.querySelectorAll('th[data-sort]').forEach(function (other) {
          other.removeAttribute('aria-sort');
        });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[index], numeric);
          var y = cellValue(b.cells[index], numeric);
          var order = numeric ? x - y : String(x).localeCompare(String(y));
          return descending ? -order : order;
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
      });
    });
  });

  function cellValue(cell, numeric) {
    if (!cell) return numeric ? 0 : '';
    var value = cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent.trim();
    return numeric ? Number(value) || 0 : value.toLowerCase();
  }

  // Cells are written without whitespace between them; a space between cells keeps words of two cells apart.
  function rowText(row) {
    return Array.prototype.map
      .call(row.cells, function (cell) {
        return cell.textContent;
      })
      .join(' ')
      .toLowerCase();
  }

  document.querySelectorAll('input[data-filter-table]').forEach(function (input) {
    var container = input.closest('.table-tools');
    var next = container && container.nextElementSibling;
    var table = next && (next.tagName === 'TABLE' ? next : next.querySelector('table'));
    if (!table) return;
    input.addEventListener('input', function () {
      var needle = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = needle !== '' && rowText(row).indexOf(needle) === -1;
      });
    });
  });
})();
