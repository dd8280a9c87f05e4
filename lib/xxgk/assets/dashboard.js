// Sort by any column, filter by text and status, page through the rows: all in the page, no
// network, no library.  Built for 10,000 rows and more: the rows stay in a JavaScript array and
// only one page of them is in the table at a time, because a browser needs seconds to move or lay
// out ten thousand table rows but milliseconds for two hundred.  Sort keys and row texts are read
// from the rows once, when first needed.
//
// Two tables work this way: the reports (one row each) and the townships (one row each, a group of
// columns per year).  A heading sorts the body column its data-col names (a heading over two header
// rows is not where its column is), or its own position when the header is one row.  A row's
// data-status is one status, or several between bars ("|ok|failed|") for a township's years.
(function () {
  "use strict";

  function setUp(tableId, prefix) {
    var table = document.getElementById(tableId);
    if (!table) return;
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var heads = Array.prototype.slice.call(table.tHead.querySelectorAll("th[data-type]"));
    var collator = new Intl.Collator("zh-CN", { numeric: true });
    var keyCache = {}, texts = null;
    var order = rows.map(function (_, i) { return i; });  // the sorted order of every row
    var visible = order;  // the rows that pass the filters, in sorted order
    var page = 0;

    function $(id) { return document.getElementById(prefix + id); }
    var input = $("filter");
    var status = $("status-filter");
    var shown = $("shown");
    var pageSize = $("page-size");
    var prev = $("page-prev");
    var next = $("page-next");
    var pageInfo = $("page-info");

    function column(th) {
      return th.hasAttribute("data-col") ? parseInt(th.getAttribute("data-col"), 10) : th.cellIndex;
    }

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

    function sortBy(th) {
      var type = th.getAttribute("data-type");
      if (type === "none") return;
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      var k = keys(column(th), type);
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

    function hasStatus(row, want) {
      var s = row.getAttribute("data-status") || "";
      return s === want || s.indexOf("|" + want + "|") !== -1;
    }

    function filter() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      if (texts === null && words.length) texts = rows.map(function (r) {
        return (r.textContent + " " + (r.getAttribute("data-checks") || "")).toLowerCase();
      });
      var want = status.value;
      visible = order.filter(function (i) {
        if (want && !hasStatus(rows[i], want)) return false;
        for (var w = 0; w < words.length; w++) if (texts[i].indexOf(words[w]) === -1) return false;
        return true;
      });
      page = 0;
      show();
    }

    heads.forEach(function (th) {
      if (th.getAttribute("data-type") === "none") return;
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); } });
    });
    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(filter, 150); });
    status.addEventListener("change", filter);
    pageSize.addEventListener("change", function () { page = 0; show(); });
    prev.addEventListener("click", function () { page--; show(); });
    next.addEventListener("click", function () { page++; show(); });
    $("pager").hidden = false;
    show();
  }

  setUp("reports-table", "");
  setUp("townships-table", "townships-");
  document.documentElement.classList.add("paged");
})();
