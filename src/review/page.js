// xxgk review: draws the overview and each report from the JSON above.
// Every string from a record is set as text (textContent, setAttribute),
// never parsed as markup, so a page's title or warning cannot run.
"use strict";
(function () {
  var started = performance.now();
  var data = JSON.parse(document.getElementById("xxgk-data").textContent);
  var reports = data.reports;
  var eager = reports.length <= data.eager_limit;
  var STATUSES = ["complete", "partial", "not_a_report", "error"];
  var root = document.getElementById("app");

  // h("td", {"data-cell": k}, "text", child…): an element with attributes
  // (null/undefined/false left out) and children (strings become text nodes).
  function h(tag, attrs) {
    var e = document.createElement(tag);
    for (var name in attrs || {}) {
      var v = attrs[name];
      if (v !== null && v !== undefined && v !== false) e.setAttribute(name, v === true ? "true" : String(v));
    }
    for (var i = 2; i < arguments.length; i++) {
      var kid = arguments[i];
      if (kid === null || kid === undefined) continue;
      e.append(kid);
    }
    return e;
  }

  // Links come from Rust already limited to http(s) and file URLs; checked
  // again here so that no other scheme can become a live link.
  function link(href, text) {
    if (href && /^(https?|file):/i.test(href)) return h("a", { href: href }, text);
    return h("span", null, text);
  }

  // A cell a report names: an index into its shape's keys, or the name itself.
  function cellName(r, ref) {
    return typeof ref === "number" ? data.shapes[r.shape].keys[ref] : ref;
  }

  // Per report: its checks sorted by kind, and the numbers the overview shows.
  reports.forEach(function (r, i) {
    r.index = i;
    r.failed = r.checks.filter(function (c) { return c.ok === false; });
    r.unassessed = r.checks.filter(function (c) { return c.ok === null; });
    r.carry = r.checks.filter(function (c) { return c.id.indexOf("carry_chain") === 0; });
    r.name = r.agency || r.title || r.id;
    r.search = [r.agency, r.title, r.id].join("\n").toLowerCase();
  });

  // ---- Overview: counts, filters, one sortable row per report ----

  var counts = h("p", { class: "counts" });
  STATUSES.forEach(function (s) {
    var n = reports.filter(function (r) { return r.status === s; }).length;
    var button = h("button", { type: "button", class: "status " + s, "data-status": s },
      s + " ", h("b", null, String(n)));
    button.addEventListener("click", function () {
      statusFilter.value = statusFilter.value === s ? "" : s;
      applyFilters();
    });
    counts.append(button, " ");
  });

  var statusFilter = h("select", { id: "filter-status" }, h("option", { value: "" }, "every status"));
  STATUSES.forEach(function (s) { statusFilter.append(h("option", { value: s }, s)); });
  var failingOnly = h("input", { type: "checkbox", id: "filter-failing" });
  var textFilter = h("input", { type: "search", id: "filter-text", placeholder: "agency contains…" });
  var shown = h("span", { class: "shown", "aria-live": "polite" });
  var filters = h("p", { class: "filters" },
    h("label", null, "Status ", statusFilter), " ",
    h("label", null, failingOnly, " failing checks only"), " ",
    h("label", null, "Agency ", textFilter), " ", shown);

  var COLUMNS = [
    ["agency", "Agency", function (r) { return r.name; }],
    ["year", "Year", function (r) { return r.year === null ? -Infinity : r.year; }],
    ["template", "Template", function (r) { return r.template; }],
    ["status", "Status", function (r) { return STATUSES.indexOf(r.status); }],
    ["failed", "Failed checks", function (r) { return r.failed.length; }],
    ["unassessed", "Unassessed", function (r) { return r.unassessed.length; }],
    ["warnings", "Warnings", function (r) { return r.warning_count; }],
    ["recovered", "Recovered cells", function (r) { return r.recovered.length; }],
    ["source", "Source", function (r) { return r.id; }]
  ];
  // The overview is a grid of rows with table roles rather than a <table>:
  // a row off screen is then skipped by layout (content-visibility), and
  // sorting 5,000 rows costs a frame, not the seconds a table relayout takes.
  var headRow = h("div", { role: "row", class: "orow head" });
  var overviewBody = h("div", { role: "rowgroup" });
  var sortState = { column: -1, ascending: true };
  COLUMNS.forEach(function (col, c) {
    var button = h("button", { type: "button" }, col[1]);
    var th = h("div", { role: "columnheader", "data-column": col[0] }, button);
    button.addEventListener("click", function () { sortBy(c); });
    headRow.append(th);
  });
  var overview = h("div", { role: "table", class: "overview-rows", "aria-label": "Reports" },
    h("div", { role: "rowgroup" }, headRow), overviewBody);

  var rows = reports.map(function (r) {
    var cell = function (attrs) {
      return h.apply(null, ["div", Object.assign({ role: "cell" }, attrs)].concat([].slice.call(arguments, 1)));
    };
    var number = function (n, bad) { return cell({ class: "n" + (n && bad ? " bad" : "") }, String(n)); };
    var noAgency = r.agency ? null : h("span", { class: "muted" }, " (no agency)");
    return h("div", { role: "row", class: "orow", "data-row": r.index },
      cell(null, h("a", { href: "#r" + r.index }, r.name), noAgency),
      cell({ class: "n" }, r.year === null ? "" : String(r.year)),
      cell(null, r.template),
      cell(null, h("span", { class: "status " + r.status }, r.status)),
      number(r.failed.length, true),
      number(r.unassessed.length, false),
      number(r.warning_count, false),
      number(r.recovered.length, false),
      cell({ class: "source" }, link(r.href, r.id)));
  });
  rows.forEach(function (row) { overviewBody.append(row); });

  var collator = new Intl.Collator("zh");
  function sortBy(c) {
    sortState.ascending = sortState.column === c ? !sortState.ascending : true;
    sortState.column = c;
    var key = COLUMNS[c][2];
    var sign = sortState.ascending ? 1 : -1;
    var order = reports.slice().sort(function (a, b) {
      var x = key(a), y = key(b);
      var d = typeof x === "string" ? collator.compare(x, y) : x - y;
      return d * sign || a.index - b.index;
    });
    var fragment = document.createDocumentFragment();
    order.forEach(function (r) { fragment.append(rows[r.index]); });
    overviewBody.append(fragment);
    Array.prototype.forEach.call(headRow.children, function (th, i) {
      if (i === c) th.setAttribute("aria-sort", sortState.ascending ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }

  // ---- One part per report; its body is drawn now or when opened ----

  var parts = reports.map(function (r) {
    var summary = h("summary", null,
      h("span", { class: "status " + r.status }, r.status), " ",
      h("b", null, r.name), " ",
      r.year === null ? null : h("span", null, String(r.year)), " ",
      r.failed.length ? h("span", { class: "bad" }, "✗ " + r.failed.length + " failed") : null, " ",
      h("span", { class: "muted" }, r.id));
    var part = h("details", { class: "report", id: "r" + r.index, "data-report": r.id }, summary);
    part.addEventListener("toggle", function () { if (part.open) draw(r); });
    return part;
  });
  var reportList = h("section", { class: "reports" }, h("h2", null, "Reports"));
  parts.forEach(function (p) { reportList.append(p); });

  function draw(r) {
    var part = parts[r.index];
    if (part.dataset.drawn) return;
    part.dataset.drawn = "true";
    var t0 = performance.now();
    part.append(body(r));
    document.documentElement.dataset.openMs = (performance.now() - t0).toFixed(1);
  }

  function body(r) {
    var div = h("div", { class: "body" });
    var meta = h("dl", { class: "meta" });
    [["Title", r.title], ["Agency", r.agency], ["Year", r.year === null ? null : String(r.year)],
     ["Published", r.published], ["Template", r.template], ["Status", r.status]].forEach(function (kv) {
      if (kv[1] !== null && kv[1] !== undefined) meta.append(h("dt", null, kv[0]), h("dd", null, kv[1]));
    });
    meta.append(h("dt", null, "Source"), h("dd", null, link(r.href, r.id)));
    div.append(meta);
    if (r.reason) div.append(h("p", { class: "reason" }, h("b", null, "Reason: "), r.reason));
    if (r.links.length) {
      var links = h("ul", { class: "links" });
      r.links.forEach(function (l) { links.append(h("li", null, link(l.href, l.text || l.href || ""))); });
      div.append(h("h3", null, "Links on the page"), links);
    }
    // Which failing checks each cell takes part in, by table.row.column.
    var failing = {};
    if (r.failed.length) {
      var list = h("ul", { class: "checks" });
      r.failed.forEach(function (c, j) {
        c.element = "r" + r.index + "-f" + j;
        list.append(h("li", { id: c.element }, h("code", null, c.id), " ", c.detail));
        c.cells.forEach(function (ref) {
          var k = cellName(r, ref);
          (failing[k] = failing[k] || []).push(c);
        });
      });
      div.append(h("h3", { class: "bad" }, "Failed checks (" + r.failed.length + ")"), list);
    }
    if (r.carry.length) {
      var carry = h("ul", { class: "checks" });
      r.carry.forEach(function (c) {
        var mark = c.ok === true ? "✓ " : c.ok === false ? "✗ " : "? ";
        carry.append(h("li", { class: c.ok === false ? "bad" : null }, mark, h("code", null, c.id), " ", c.detail));
      });
      div.append(h("h3", null, "carry_chain (across years)"), carry);
    }
    var recovered = {};
    r.recovered.forEach(function (ref) { recovered[cellName(r, ref)] = true; });
    data.shapes[r.shape].grids.forEach(function (grid) {
      div.append(table(grid, r, failing, recovered));
    });
    if (r.unassessed.length) div.append(collapsible("Checks that could not be assessed", r.unassessed, function (c) {
      // A long detail comes cut (the record has it whole).
      return [h("code", null, c.id), " ", c.cut ? c.detail + "…" : c.detail];
    }));
    if (r.warning_count) div.append(collapsible("Warnings", r.warnings, function (w) {
      var cells = w.cells.map(function (ref) { return cellName(r, ref); }).join(", ");
      return [h("code", null, w.code), w.count > 1 ? " ×" + w.count + " " : " ", w.message,
        cells ? h("div", { class: "cells" }, cells) : null];
    }, r.warning_count));
    if (r.checks.length || r.passed) {
      div.append(h("p", { class: "muted" }, r.passed + " checks passed."));
    }
    return div;
  }

  function collapsible(title, items, render, count) {
    var list = h("ul", { class: "checks" });
    items.forEach(function (item) { list.append(h.apply(null, ["li", null].concat(render(item)))); });
    var n = count === undefined ? items.length : count;
    return h("details", { class: "list", open: n <= 10 },
      h("summary", null, title + " (" + n + ")"), list);
  }

  function table(grid, r, failing, recovered) {
    var thead = h("thead"), tbody = h("tbody");
    grid.head.forEach(function (cells) { thead.append(row(cells, "th", r, failing, recovered)); });
    grid.body.forEach(function (cells) { tbody.append(row(cells, "th", r, failing, recovered)); });
    // No scrolling box around it: one would clip the tips of the cells.
    return h("figure", { class: "grid" }, h("figcaption", null, grid.title),
      h("table", null, thead, tbody));
  }

  function row(cells, labelTag, r, failing, recovered) {
    var tr = h("tr");
    cells.forEach(function (cell) {
      if (cell.t !== undefined) {
        tr.append(h(labelTag, { colspan: cell.c, rowspan: cell.r }, cell.t));
        return;
      }
      tr.append(valueCell(cell, r, failing[cell.k], recovered[cell.k]));
    });
    return tr;
  }

  function valueCell(cell, r, checks, isRecovered) {
    var present = cell.i !== undefined;
    var value = present ? r.values[cell.i] : null;
    var tips = [];
    if (checks) checks.forEach(function (c) { tips.push("✗ " + c.id + ": " + c.detail); });
    if (isRecovered) tips.push("recovered: solved from the template's sums, not read from a separated cell");
    if (!present) tips.push("not in the record: the row or cell was not located");
    else if (value === null) tips.push("null: the page gives no number here");
    var td = h("td", {
      "data-cell": cell.k,
      colspan: cell.c,
      "data-null": present && value === null,
      "data-absent": !present,
      "data-failed": !!checks,
      "data-recovered": !!isRecovered,
      "data-tip": tips.join("\n") || null,
      tabindex: checks ? 0 : null,
      "aria-describedby": checks ? checks.map(function (c) { return c.element; }).join(" ") : null
    }, value === null ? "" : value);
    return td;
  }

  // ---- Filters (overview rows and report parts alike), hash navigation ----

  function applyFilters() {
    var status = statusFilter.value;
    var failingOnlyOn = failingOnly.checked;
    var text = textFilter.value.trim().toLowerCase();
    var n = 0;
    reports.forEach(function (r) {
      var visible = (!status || r.status === status) &&
        (!failingOnlyOn || r.failed.length > 0) &&
        (!text || r.search.indexOf(text) >= 0);
      // Only what changes is touched: a style change per element costs layout.
      if (rows[r.index].hidden === visible) {
        rows[r.index].hidden = !visible;
        parts[r.index].hidden = !visible;
      }
      if (visible) n++;
    });
    shown.textContent = n + " of " + reports.length + " shown";
    Array.prototype.forEach.call(counts.children, function (b) {
      b.setAttribute("aria-pressed", b.dataset.status === status ? "true" : "false");
    });
  }
  statusFilter.addEventListener("change", applyFilters);
  failingOnly.addEventListener("change", applyFilters);
  textFilter.addEventListener("input", applyFilters);

  function openFromHash() {
    var m = /^#r(\d+)$/.exec(location.hash);
    var r = m && reports[Number(m[1])];
    if (!r) return;
    draw(r);
    parts[r.index].open = true;
    parts[r.index].scrollIntoView();
  }
  window.addEventListener("hashchange", openFromHash);

  var legend = h("p", { class: "legend" }, "Cells: ",
    h("span", { class: "sample", "data-null": "true" }), " null (the page gives no number; not 0) · ",
    h("span", { class: "sample", "data-absent": "true" }), " not in the record · ",
    h("span", { class: "sample", "data-recovered": "true" }, "12"), " recovered from the sums · ",
    h("span", { class: "sample", "data-failed": "true" }, "34"),
    " in a failing check (hover or focus it for the check)");
  root.append(h("section", { class: "overview" }, h("h2", null, "Overview"), counts, filters, legend,
    overview), reportList);
  if (eager) reports.forEach(draw);
  applyFilters();
  openFromHash();
  document.documentElement.dataset.renderMs = (performance.now() - started).toFixed(1);
})();
