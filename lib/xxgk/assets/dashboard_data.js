// A large dashboard's rows: the page carries them as data (#dashboard-data, see dashboard_data.py)
// and this builds the rows of the page in view, with the markup dashboard.py gives a small page's
// rows (the browser tests compare the two).  For sorting and filtering, each column's keys and each
// row's text come from the data, so no row is built that is not shown.  dashboard.js pages the
// tables through window.xxgkRows; the rule view's reports are listed when a rule is opened.
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node) return;
  var D = JSON.parse(node.textContent);
  var R = D.reports;
  // A report's array: township, year, format, status, four counts, figures, files, error, checks.
  var TOWNSHIP = 0, YEAR = 1, FORMAT = 2, STATUS = 3, COUNTS = 4, FIGURES = 8, FILES = 9, ERROR = 10, CHECKS = 11;
  var COUNT_NAMES = ["errors", "failed", "notes", "missing"];

  function text(s) { return s === null || s === undefined ? "" : String(s); }

  // As dashboard._sort_number: the figure as a number for sorting ("37.5%" → "37.5"), "" when not one.
  var NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
  function sortNumber(v) {
    var t = text(v).replace(/%+$/, "");
    return NUMBER.test(t) ? t : "";
  }
  function numKey(s) { var n = parseFloat(s); return isNaN(n) ? null : n; }

  // As urllib.parse.quote(path, safe="/").
  function quote(path) {
    return encodeURIComponent(path).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    }).replace(/%2F/g, "/");
  }

  function statusLabel(s) { return D.statuses[s] ? D.statuses[s][0] : s; }
  function statusRank(s) { return D.statuses[s] ? D.statuses[s][1] : 9; }

  var USUAL = D.files.usual;
  // The report's files: review page, notebook, published page, each format's file ("" where none).
  function files(r) {
    var f = r[FILES];
    if (typeof f !== "number") return f;
    return USUAL.map(function (usual, i) {
      return f & (1 << i) ? usual.replace("{y}", r[YEAR]).replace("{t}", r[TOWNSHIP]) : "";
    });
  }
  function page(r) { var f = files(r); return f[0] || f[1]; }

  function checkTitle(c) { return c.length > 5 ? c[5] : text(D.titles[c[0]]); }
  function checksText(r) {
    return r[CHECKS].map(function (c) { return c[0] + " " + checkTitle(c); }).join(" ");
  }

  function el(tag, attrs, content) {
    var e = document.createElement(tag);
    for (var i = 0; attrs && i < attrs.length; i += 2) e.setAttribute(attrs[i], attrs[i + 1]);
    if (content === undefined || content === null) return e;
    if (typeof content === "string" || typeof content === "number") e.textContent = String(content);
    else content.forEach(function (child) { e.appendChild(typeof child === "string" ? document.createTextNode(child) : child); });
    return e;
  }
  function badge(s) { return el("span", ["class", "badge " + s.replace(/ /g, "-")], statusLabel(s)); }

  // A model of rows for dashboard.js: how many, the row itself, column keys, texts, statuses.
  function model(count, build, key, rowText, status) {
    var built = {};
    return {
      count: count,
      row: function (i) { return built[i] || (built[i] = build(i)); },
      keys: function (col, type) {
        var k = new Array(count);
        for (var i = 0; i < count; i++) k[i] = key(i, col, type);
        return k;
      },
      texts: function () {
        var t = new Array(count);
        for (var i = 0; i < count; i++) t[i] = rowText(i).toLowerCase();
        return t;
      },
      status: status
    };
  }

  // --- the report view: dashboard._report_row -----------------------------------------------------

  var reportFigures = D.figures.reports;
  var LINK_TEXT = D.files.text;

  function reportLinks(r) {
    var out = [];
    files(r).forEach(function (path, i) {
      if (path) out.push(el("a", i < 2 ? ["href", quote(path)] : ["href", quote(path), "class", "published"], LINK_TEXT[i]));
    });
    return out;
  }

  function reportRow(i) {
    var r = R[i], s = r[STATUS], cells = [
      el("td", null, r[TOWNSHIP]), el("td", ["class", "num"], text(r[YEAR])), el("td", ["class", "num"], r[FORMAT]),
      el("td", ["class", "status", "data-sort", String(statusRank(s))], [badge(s)])
    ];
    COUNT_NAMES.forEach(function (name, k) { cells.push(el("td", ["class", "num count-" + name], text(r[COUNTS + k]))); });
    reportFigures.forEach(function (f) {
      var v = r[FIGURES][f];
      cells.push(el("td", ["class", "num", "data-sort", sortNumber(v)], v));
    });
    var links = [];
    reportLinks(r).forEach(function (a, k) { if (k) links.push(" "); links.push(a); });
    cells.push(el("td", ["class", "links"], links));
    cells.push(el("td", ["class", "error"], r[ERROR]));
    return el("tr", ["data-status", s, "data-checks", checksText(r)], cells);
  }

  function reportKey(i, col, type) {
    var r = R[i];
    if (col === 0) return r[TOWNSHIP].trim();
    if (col === 1) return numKey(text(r[YEAR]));
    if (col === 2) return numKey(r[FORMAT]);
    if (col === 3) return statusRank(r[STATUS]);
    if (col < 8) return numKey(text(r[COUNTS + col - 4]));
    if (col < 8 + reportFigures.length) return numKey(sortNumber(r[FIGURES][reportFigures[col - 8]]));
    if (col === 9 + reportFigures.length) return r[ERROR].trim();
    return type === "num" ? null : "";
  }

  function reportText(i) {
    var r = R[i], parts = [r[TOWNSHIP], text(r[YEAR]), r[FORMAT], statusLabel(r[STATUS])];
    for (var k = 0; k < 4; k++) parts.push(text(r[COUNTS + k]));
    reportFigures.forEach(function (f) { parts.push(r[FIGURES][f]); });
    parts.push(reportLinks(r).map(function (a) { return a.textContent; }).join(" "), r[ERROR]);
    return parts.join("") + " " + checksText(r);
  }

  // --- the township view: dashboard._township_row ------------------------------------------------

  var T = D.townships, years = D.years, pairs = {}, townshipFigures = D.figures.townships;
  D.pairs.forEach(function (y) { pairs[y] = true; });
  var crossRules = {};
  D.crossRules.forEach(function (rule) { crossRules[rule] = true; });

  // Columns as dashboard._township_heads numbers them: the township, then per year its pair
  // (when the year before is in the view), its status and its figures.
  var columns = [{ kind: "township" }];
  years.forEach(function (y, yi) {
    if (pairs[y]) columns.push({ kind: "pair", year: yi });
    columns.push({ kind: "status", year: yi });
    townshipFigures.forEach(function (f) { columns.push({ kind: "figure", year: yi, figure: f }); });
  });

  function report(t, yi) { var i = T[t][1][yi]; return i >= 0 ? R[i] : null; }

  // As dashboard._year_cell: the cross-year rules that failed, with their counts and messages.  A
  // check's across_years and across_messages are 0 and none when left out, null when an older
  // manifest never recorded them (then the whole rule counts).
  function cross(r) {
    var out = [];
    r[CHECKS].forEach(function (c) {
      if (!crossRules[c[0]]) return;
      var across = c.length > 3 ? c[3] : 0, messages = c.length > 3 ? c[4] : [];
      if (across !== null && !across) return;
      out.push({ rule: c[0], title: checkTitle(c), count: across === null ? (c[1] || 0) : across,
                 messages: messages === null ? c[2] : messages });
    });
    return out;
  }

  // The later year of a pair, when both years have a report; undefined when there is no pair.
  function pairReport(t, yi) { return yi > 0 && report(t, yi - 1) ? report(t, yi) : null; }

  function crossCell(later) {
    if (!later) return el("td", ["class", "pair", "data-sort", ""], D.text.none);
    var failed = cross(later);
    if (!failed.length) return el("td", ["class", "pair", "data-sort", "0"], D.text.none);
    var count = 0, detail = [];
    failed.forEach(function (f) { count += f.count; detail = detail.concat(f.messages); });
    var shown = failed.map(function (f) { return f.title + " (" + f.rule + ")"; }).join(D.text.sep);
    return el("td", ["class", "pair failed", "data-sort", String(count), "title", detail.join("\n")], shown);
  }

  function townshipRow(t) {
    var name = T[t][0], cells = [el("td", null, name)], seen = [], checks = [];
    years.forEach(function (y, yi) {
      if (pairs[y]) cells.push(crossCell(pairReport(t, yi)));
      var r = report(t, yi);
      if (!r) {
        cells.push(el("td", ["class", "status absent", "data-sort", ""]));
        townshipFigures.forEach(function () { cells.push(el("td", ["class", "num"])); });
        return;
      }
      var b = badge(r[STATUS]), p = page(r);
      if (p) b = el("a", ["href", quote(p), "title", name + " " + r[YEAR]], [b]);
      cells.push(el("td", ["class", "status", "data-sort", String(statusRank(r[STATUS]))], [b]));
      townshipFigures.forEach(function (f) {
        var v = r[FIGURES][f];
        cells.push(el("td", ["class", "num", "data-sort", sortNumber(v)], v));
      });
      if (seen.indexOf(r[STATUS]) === -1) seen.push(r[STATUS]);
      if (r[CHECKS].length) checks.push(checksText(r));
    });
    return el("tr", ["data-status", "|" + seen.join("|") + "|", "data-checks", checks.join(" ")], cells);
  }

  function townshipKey(t, col, type) {
    var c = columns[col];
    if (!c) return type === "num" ? null : "";
    if (c.kind === "township") return T[t][0].trim();
    if (c.kind === "pair") {
      var later = pairReport(t, c.year);
      if (!later) return null;
      return cross(later).reduce(function (n, f) { return n + f.count; }, 0);
    }
    var r = report(t, c.year);
    if (!r) return null;
    if (c.kind === "status") return statusRank(r[STATUS]);
    return numKey(sortNumber(r[FIGURES][c.figure]));
  }

  function townshipText(t) {
    var parts = [T[t][0]], checks = [];
    years.forEach(function (y, yi) {
      if (pairs[y]) {
        var later = pairReport(t, yi), failed = later ? cross(later) : [];
        parts.push(failed.length ? failed.map(function (f) { return f.title + " (" + f.rule + ")"; }).join(D.text.sep) : D.text.none);
      }
      var r = report(t, yi);
      if (!r) return;
      parts.push(statusLabel(r[STATUS]));
      townshipFigures.forEach(function (f) { parts.push(r[FIGURES][f]); });
      if (r[CHECKS].length) checks.push(checksText(r));
    });
    return parts.join("") + " " + checks.join(" ");
  }

  function townshipStatus(t) {
    var seen = [];
    T[t][1].forEach(function (i) { if (i >= 0 && seen.indexOf(R[i][STATUS]) === -1) seen.push(R[i][STATUS]); });
    return "|" + seen.join("|") + "|";
  }

  // --- the rule view: a rule's reports, as dashboard._rules_view lists them, when it is opened ------

  function ruleRows(details) {
    var rule = details.getAttribute("data-rule"), tbody = details.querySelector("tbody");
    if (!tbody || tbody.rows.length) return;
    var frag = document.createDocumentFragment(), n = 0;
    R.forEach(function (r) {
      r[CHECKS].forEach(function (c) {
        if (c[0] !== rule) return;
        n++;
        if (n > D.ruleRows) return;
        var name = r[TOWNSHIP] + " " + r[YEAR], p = page(r);
        var items = c[2].map(function (m) { return el("li", null, m); });
        var more = (c[1] || 0) - c[2].length;
        if (more > 0) items.push(el("li", ["class", "more"], D.text.more.replace("{n}", more)));
        frag.appendChild(el("tr", ["data-rule", rule], [
          el("td", null, [p ? el("a", ["href", quote(p)], name) : name]),
          el("td", ["class", "num"], text(c[1])), el("td", null, [el("ul", null, items)])]));
      });
    });
    if (n > D.ruleRows) {
      frag.appendChild(el("tr", ["class", "more"], [el("td", ["colspan", "3"],
        D.text.capped.replace("{shown}", D.ruleRows).replace("{n}", n).replace("{rule}", rule))]));
    }
    tbody.appendChild(frag);
  }

  document.querySelectorAll("#rules details.rule").forEach(function (details) {
    details.addEventListener("toggle", function () { if (details.open) ruleRows(details); });
  });

  window.xxgkRows = {
    reports: model(R.length, reportRow, reportKey, reportText, function (i) { return R[i][STATUS]; }),
    townships: model(T.length, townshipRow, townshipKey, townshipText, townshipStatus)
  };
})();
