// Sort by any column, filter by text and status: all in the page, no network, no library.
// Built for 10,000 rows: row texts and sort keys are read once, rows are moved in one fragment,
// and filtering only flips the hidden attribute (debounced while typing).
(function () {
  "use strict";
  var table = document.getElementById("reports-table");
  if (!table) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var collator = new Intl.Collator("zh-CN", { numeric: true });
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var keyCache = {};

  function keys(col, type) {
    if (keyCache[col]) return keyCache[col];
    var out = rows.map(function (r) {
      var cell = r.cells[col];
      if (type === "num") {
        var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
        var n = parseFloat(raw);
        return isNaN(n) ? null : n;
      }
      return cell.textContent.trim();
    });
    keyCache[col] = out;
    return out;
  }

  function sortBy(col) {
    var th = heads[col], type = th.getAttribute("data-type");
    if (type === "none") return;
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var k = keys(col, type);
    var order = rows.map(function (_, i) { return i; });
    order.sort(function (a, b) {
      var x = k[a], y = k[b];
      if (x === null || x === "") return (y === null || y === "") ? a - b : 1;  // blanks last
      if (y === null || y === "") return -1;
      var c = type === "num" ? x - y : collator.compare(x, y);
      return c !== 0 ? dir * c : a - b;  // stable
    });
    var frag = document.createDocumentFragment();
    order.forEach(function (i) { frag.appendChild(rows[i]); });
    tbody.appendChild(frag);
  }

  heads.forEach(function (th, col) {
    if (th.getAttribute("data-type") === "none") return;
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(col); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(col); } });
  });

  var input = document.getElementById("filter");
  var status = document.getElementById("status-filter");
  var shown = document.getElementById("shown");
  var timer = null;

  function applyFilter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var want = status.value, n = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = (!want || rows[i].getAttribute("data-status") === want);
      for (var w = 0; ok && w < words.length; w++) ok = texts[i].indexOf(words[w]) !== -1;
      if (rows[i].hidden === ok) rows[i].hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = n + " / " + rows.length;
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(applyFilter, 120); });
  status.addEventListener("change", applyFilter);
})();
