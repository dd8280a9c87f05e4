// Sort by any column, filter by text and status, page through the rows: all in the page, no
// network, no library.  Built for 10,000 rows and more: the rows stay in a JavaScript array and
// only one page of them is in the table at a time, because a browser needs seconds to move or lay
// out ten thousand table rows but milliseconds for two hundred.  Sort keys and row texts are read
// from the rows once, when first needed.
(function () {
  "use strict";
  var table = document.getElementById("reports-table");
  if (!table) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var collator = new Intl.Collator("zh-CN", { numeric: true });
  var keyCache = {}, texts = null;
  var order = rows.map(function (_, i) { return i; });  // the sorted order of every row
  var visible = order;  // the rows that pass the filters, in sorted order
  var page = 0;

  var input = document.getElementById("filter");
  var status = document.getElementById("status-filter");
  var shown = document.getElementById("shown");
  var pageSize = document.getElementById("page-size");
  var prev = document.getElementById("page-prev");
  var next = document.getElementById("page-next");
  var pageInfo = document.getElementById("page-info");

  function size() {
    var n = parseInt(pageSize.value, 10);
    return n > 0 ? n : Math.max(visible.length, 1);
  }

  function show() {
    var n = size(), pages = Math.max(1, Math.ceil(visible.length / n));
    if (page >= pages) page = pages - 1;
    var frag = document.createDocumentFragment();
    for (var i = page * n; i < Math.min(visible.length, (page + 1) * n); i++) frag.appendChild(rows[visible[i]]);
    tbody.textContent = "";
    tbody.appendChild(frag);
    shown.textContent = visible.length + " / " + rows.length;
    pageInfo.textContent = (page + 1) + " / " + pages;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }

  function keys(col, type) {
    if (keyCache[col]) return keyCache[col];
    keyCache[col] = rows.map(function (r) {
      var cell = r.cells[col];
      if (type === "num") {
        var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
        var n = parseFloat(raw);
        return isNaN(n) ? null : n;
      }
      return cell.textContent.trim();
    });
    return keyCache[col];
  }

  function sortBy(col) {
    var th = heads[col], type = th.getAttribute("data-type");
    if (type === "none") return;
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var k = keys(col, type);
    order = rows.map(function (_, i) { return i; });
    order.sort(function (a, b) {
      var x = k[a], y = k[b];
      if (x === null || x === "") return (y === null || y === "") ? a - b : 1;  // blanks last, both ways
      if (y === null || y === "") return -1;
      var c = type === "num" ? x - y : collator.compare(x, y);
      return c !== 0 ? dir * c : a - b;  // stable
    });
    filter();  // back to the first page: the top of the new order
  }

  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (texts === null && words.length) texts = rows.map(function (r) {
      return (r.textContent + " " + (r.getAttribute("data-checks") || "")).toLowerCase();
    });
    var want = status.value;
    visible = order.filter(function (i) {
      if (want && rows[i].getAttribute("data-status") !== want) return false;
      for (var w = 0; w < words.length; w++) if (texts[i].indexOf(words[w]) === -1) return false;
      return true;
    });
    page = 0;
    show();
  }

  heads.forEach(function (th, col) {
    if (th.getAttribute("data-type") === "none") return;
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(col); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(col); } });
  });
  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(filter, 150); });
  status.addEventListener("change", filter);
  pageSize.addEventListener("change", function () { page = 0; show(); });
  prev.addEventListener("click", function () { page--; show(); });
  next.addEventListener("click", function () { page++; show(); });
  document.getElementById("pager").hidden = false;
  document.documentElement.classList.add("paged");
  show();
})();
