/* Tables a reader can use (booklib.build.sphinx_ext adds this to every page; no library, offline).

   - Fit: a table wider than its column shows its key columns (the first, those marked
     data-key, the cite column) and moves the others, right to left, lowest data-priority first,
     into a per-row disclosure ("more"). On a phone (≤ 640 px) such a table reads as cards.
   - Long tables (more than LONG rows) sort by any column (click its heading) and filter by typing;
     a table with data-facet (the claims ledger's verdicts) also gets exact facets with counts.
   - A deep link to a row (#claim-c000-25) shows it, even if a filter hid it, and marks it.
   - Long reference pages get an in-page contents panel (data-book-contents on the page's marker).
*/
(function () {
  "use strict";
  var LONG = 15;
  var PHONE = window.matchMedia("(max-width: 640px)");
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var text = function (el) { return (el.textContent || "").replace(/\s+/g, " ").trim(); };

  function bodyRows(table) {
    return Array.prototype.filter.call(table.tBodies.length ? table.tBodies[0].rows : [], function (row) {
      return !row.classList.contains("book-row-more");
    });
  }

  function headCells(table) {
    var head = table.tHead && table.tHead.rows[0];
    return head ? Array.prototype.slice.call(head.cells) : [];
  }

  /* An identifier or pattern short enough for a phone's line never breaks inside (a pattern would
     break after its hyphens); the table makes room for it, or folds. */
  var SHORT_CODE = 32;
  var DATE = /^\d{4}-\d{2}(-\d{2})?$/;

  /* Every cell names its column, for the cards and the disclosure. */
  function label(table) {
    each(table.querySelectorAll("code.literal"), function (code) {
      var value = code.textContent;
      if (value.length <= SHORT_CODE && !/\s/.test(value)) code.classList.add("book-nowrap");
    });
    var names = headCells(table).map(text);
    each(bodyRows(table), function (row) {
      each(row.cells, function (cell, i) {
        if (!cell.hasAttribute("data-label") && names[i]) cell.setAttribute("data-label", names[i]);
        if (!cell.textContent.trim() && !cell.classList.contains("book-cite-cell")) cell.classList.add("book-empty");
        // A date (2025-03-12, 2025-03) is one word: never broken at its hyphens.
        if (DATE.test(text(cell))) cell.classList.add("book-nowrap-cell");
      });
    });
  }

  /* --- fit ---------------------------------------------------------------------------------- */

  /* The width a table may take: its container's content box. */
  function box(table) {
    var wrap = table.parentElement, style = getComputedStyle(wrap);
    return wrap.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  }

  function closeDetails(table) {
    each(table.querySelectorAll("tr.book-row-more"), function (row) { row.remove(); });
    each(table.querySelectorAll("button.book-row-toggle[aria-expanded=true]"), function (button) {
      button.setAttribute("aria-expanded", "false");
    });
  }

  function setHidden(table, index, hidden) {
    var head = headCells(table)[index];
    if (head) head.classList.toggle("book-col-hidden", hidden);
    each(bodyRows(table), function (row) {
      if (row.cells[index]) row.cells[index].classList.toggle("book-col-hidden", hidden);
    });
  }

  function hideable(table) {
    var heads = headCells(table);
    var order = heads.map(function (th, i) { return i; }).filter(function (i) {
      var th = heads[i];
      return i > 0 && !th.hasAttribute("data-key") && !th.classList.contains("book-cite-head");
    });
    // Lowest priority first, then right to left.
    order.sort(function (a, b) {
      var pa = +(heads[a].getAttribute("data-priority") || 5), pb = +(heads[b].getAttribute("data-priority") || 5);
      return pa - pb || b - a;
    });
    return order;
  }

  function toggleRow(button) {
    var row = button.closest("tr"), table = row.closest("table");
    var open = button.getAttribute("aria-expanded") === "true";
    var next = row.nextElementSibling;
    if (open) {
      if (next && next.classList.contains("book-row-more")) next.remove();
      button.setAttribute("aria-expanded", "false");
      return;
    }
    var detail = document.createElement("tr"), cell = document.createElement("td"), list = document.createElement("dl");
    detail.className = "book-row-more";
    cell.colSpan = row.cells.length;
    each(row.cells, function (td) {
      if (!td.classList.contains("book-col-hidden") || !td.textContent.trim()) return;
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = td.getAttribute("data-label") || "";
      dd.innerHTML = td.innerHTML;
      list.appendChild(dt);
      list.appendChild(dd);
    });
    cell.appendChild(list);
    detail.appendChild(cell);
    row.parentNode.insertBefore(detail, row.nextSibling);
    button.setAttribute("aria-expanded", "true");
    table.dispatchEvent(new Event("book-table-changed"));
  }

  function addToggles(table, count) {
    each(bodyRows(table), function (row) {
      var first = row.cells[0];
      if (!first || first.querySelector(".book-row-toggle")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "book-row-toggle";
      button.setAttribute("aria-expanded", "false");
      button.title = bookWord("Show the other columns of this row");
      button.setAttribute("aria-label", bookWord("Show the {count} other columns of this row", {count: count}));
      first.insertBefore(button, first.firstChild);
    });
  }

  function removeToggles(table) {
    each(table.querySelectorAll(".book-row-toggle"), function (button) { button.remove(); });
  }

  function tooWide(table) {
    return table.getBoundingClientRect().width > box(table) + 1;
  }

  /* A text's length in Latin letters: a Chinese or Japanese character is as wide as two (and says as much),
     so a column of Chinese claims is as cramped as one of English claims twice as long. */
  function letters(text) {
    return text.length + (text.match(/[\u3000-\u9fff\uff00-\uffef]/g) || []).length;
  }

  /* A key column of long text (a claim, its evidence) needs room to be read: about 14 em; any other
     column of text, a few words a line (5 em), not a letter or two (Chinese breaks anywhere). */
  function cramped(table) {
    var heads = headCells(table), rows = bodyRows(table);
    return heads.some(function (th, i) {
      if (th.classList.contains("book-col-hidden") || th.classList.contains("book-cite-head")) return false;
      var chars = rows.reduce(function (sum, row) { return sum + (row.cells[i] ? letters(row.cells[i].textContent) : 0); }, 0);
      var em = parseFloat(getComputedStyle(th).fontSize), width = th.getBoundingClientRect().width;
      var average = chars / Math.max(rows.length, 1);
      return th.hasAttribute("data-key") ? average > 60 && width < 14 * em : average > 20 && width < 5 * em;
    });
  }

  function fit(table) {
    closeDetails(table);
    removeToggles(table);
    table.classList.remove("book-cards", "book-table-folded");
    headCells(table).forEach(function (th, i) { setHidden(table, i, false); });
    if (!tooWide(table) && !cramped(table)) return;
    if (PHONE.matches) {
      table.classList.add("book-cards");
      return;
    }
    var order = hideable(table), hidden = 0;
    table.classList.add("book-table-folded");
    addToggles(table, 0);
    while ((tooWide(table) || cramped(table)) && hidden < order.length) {
      setHidden(table, order[hidden], true);
      hidden += 1;
    }
    if (tooWide(table)) {
      // Even the key columns do not fit: cards, as on a phone.
      headCells(table).forEach(function (th, i) { setHidden(table, i, false); });
      removeToggles(table);
      table.classList.remove("book-table-folded");
      table.classList.add("book-cards");
      return;
    }
    if (!hidden) {
      removeToggles(table);
      table.classList.remove("book-table-folded");
      return;
    }
    each(table.querySelectorAll(".book-row-toggle"), function (button) {
      button.setAttribute("aria-label", bookWord("Show the {count} other columns of this row", {count: hidden}));
    });
    table.setAttribute("data-folded", String(hidden));
  }

  /* --- sort and filter ---------------------------------------------------------------------- */

  function sortKey(cell) {
    var value = cell ? (cell.getAttribute("data-sort") || text(cell)) : "";
    var number = value.replace(/[,\s%$€¥£]|US\$|bn|tn/g, "").replace(/\u2212/g, "-");
    if (/^[-+]?\d+(\.\d+)?$/.test(number)) return {n: parseFloat(number), t: value};
    return {n: null, t: value};
  }

  function compare(a, b) {
    if (!a.t && b.t) return 1;
    if (a.t && !b.t) return -1;
    if (a.n !== null && b.n !== null) return a.n - b.n;
    return a.t.localeCompare(b.t, undefined, {numeric: true, sensitivity: "base"});
  }

  function makeSortable(table) {
    var heads = headCells(table);
    heads.forEach(function (th, index) {
      if (th.classList.contains("book-cite-head") || th.querySelector("button.book-sort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "book-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      button.title = bookWord("Sort by this column");
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        closeDetails(table);
        var rows = bodyRows(table), keyed = rows.map(function (row, i) { return {row: row, key: sortKey(row.cells[index]), i: i}; });
        keyed.sort(function (a, b) { return (ascending ? 1 : -1) * compare(a.key, b.key) || a.i - b.i; });
        var body = table.tBodies[0];
        keyed.forEach(function (item) { body.appendChild(item.row); });
      });
    });
  }

  function makeFilter(table, root) {
    var rows = bodyRows(table);
    var input = root && root.querySelector("input[type=search]");
    var count = root && root.querySelector(".book-filter-count");
    if (!input) {
      var bar = document.createElement("div");
      bar.className = "book-table-tools";
      var id = (table.id || "table-" + Math.random().toString(36).slice(2, 8)) + "-filter";
      bar.innerHTML = '<label for="' + id + '">Filter the ' + rows.length + ' rows: </label>' +
        '<input type="search" id="' + id + '" placeholder="type a word"> <span class="book-filter-count" aria-live="polite"></span>';
      var anchor = table.closest(".pst-scrollable-table-container") || table;
      anchor.parentNode.insertBefore(bar, anchor);
      input = bar.querySelector("input");
      count = bar.querySelector(".book-filter-count");
    }
    var facet = {column: -1, value: ""};
    var facetName = root && root.getAttribute("data-facet"), group = null;
    if (facetName) {
      facet.column = headCells(table).map(function (th) { return th.getAttribute("data-column") || text(th); }).indexOf(facetName);
    }
    function apply() {
      closeDetails(table);
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
      rows.forEach(function (row) {
        var haystack = Array.prototype.filter.call(row.cells, function (td) { return !td.classList.contains("book-cite-cell"); })
          .map(function (td) { return td.textContent; }).join(" ").toLowerCase();
        var keep = words.every(function (w) { return haystack.indexOf(w) >= 0; });
        if (keep && facet.value) keep = row.cells[facet.column] && row.cells[facet.column].getAttribute("data-value") === facet.value;
        row.hidden = !keep;
        if (keep) shown += 1;
      });
      count.textContent = words.length || facet.value ? shown + " of " + rows.length + " shown" : "";
    }
    input.addEventListener("input", apply);
    if (facet.column >= 0) {
      var values = [], counts = {};
      rows.forEach(function (row) {
        var cell = row.cells[facet.column], value = cell ? (cell.getAttribute("data-value") || text(cell)) : "";
        if (cell) cell.setAttribute("data-value", value);
        if (!(value in counts)) { counts[value] = 0; values.push(value); }
        counts[value] += 1;
      });
      var order = (root.getAttribute("data-facet-order") || "").split("|").filter(function (v) { return v in counts; });
      values = order.concat(values.filter(function (v) { return order.indexOf(v) < 0; }));
      group = document.createElement("div");
      group.className = "book-facets";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", bookWord("Show the rows of one {facet}", {facet: facetName}));
      [""].concat(values).forEach(function (value) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "book-facet";
        button.setAttribute("data-value", value);
        button.setAttribute("aria-pressed", value ? "false" : "true");
        button.innerHTML = '<span class="book-facet-name"></span> <span class="book-facet-count"></span>';
        button.querySelector(".book-facet-name").textContent = value || bookWord("all");
        button.querySelector(".book-facet-count").textContent = value ? counts[value] : rows.length;
        button.addEventListener("click", function () {
          facet.value = value;
          each(group.children, function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
          apply();
        });
        group.appendChild(button);
      });
      var before = root.querySelector("label") || input;
      before.parentNode.insertBefore(group, before);
    }
    table.bookFilter = {
      clear: function () {
        input.value = "";
        facet.value = "";
        if (group) each(group.children, function (b) { b.setAttribute("aria-pressed", b.getAttribute("data-value") ? "false" : "true"); });
        apply();
      }
    };
  }

  /* --- deep links --------------------------------------------------------------------------- */

  function showTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var row = document.getElementById(id);
    if (!row || row.tagName !== "TR") return;
    var table = row.closest("table");
    if (row.hidden && table.bookFilter) table.bookFilter.clear();
    each(document.querySelectorAll("tr.book-row-target"), function (other) { other.classList.remove("book-row-target"); });
    row.classList.add("book-row-target");
    row.scrollIntoView({block: "center"});
  }

  /* --- in-page contents --------------------------------------------------------------------- */

  function slug(value) {
    return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  }

  function contents(marker) {
    var kind = marker.getAttribute("data-book-contents"), items = [];
    var article = document.querySelector(".bd-article") || document.body;
    if (kind === "headings") {
      each(article.querySelectorAll(marker.getAttribute("data-selector") || "p.rubric, h3"), function (heading) {
        if (!heading.id) heading.id = "toc-" + slug(text(heading));
        items.push({href: "#" + heading.id, label: text(heading).replace(/:.*$/, ""), title: text(heading)});
      });
    } else {
      // Group entries (selector) by a key: their first letter, or a year in their text.
      var seen = {};
      each(article.querySelectorAll(marker.getAttribute("data-selector")), function (entry) {
        var words = text(entry), key;
        if (kind === "year") {
          var year = words.match(/\b(19|20)\d\d\b/);
          key = year ? year[0] : "";
        } else {
          key = words.replace(/^[^A-Za-z\u00C0-\u024F0-9]+/, "").charAt(0).toUpperCase();
          if (/[0-9]/.test(key)) key = "0–9";
          if (!key) key = "other";
        }
        if (!key || seen[key]) return;
        seen[key] = true;
        if (!entry.id) entry.id = "toc-" + slug(key);
        items.push({href: "#" + entry.id, label: key, title: words.slice(0, 80)});
      });
    }
    if (items.length < 2) return;
    var nav = document.createElement("nav");
    nav.className = "book-page-contents book-page-contents-" + kind;
    nav.setAttribute("aria-label", bookWord("On this page"));
    var details = document.createElement("details");
    details.open = true;
    var summary = document.createElement("summary");
    summary.textContent = bookWord(marker.getAttribute("data-title") || "On this page");
    var list = document.createElement("ol");
    items.forEach(function (item) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = item.href;
      a.textContent = item.label;
      a.title = item.title;
      li.appendChild(a);
      list.appendChild(li);
    });
    details.appendChild(summary);
    details.appendChild(list);
    nav.appendChild(details);
    marker.appendChild(nav);
  }

  /* --- start -------------------------------------------------------------------------------- */

  function tables() {
    return Array.prototype.filter.call(document.querySelectorAll(".bd-article table"), function (table) {
      return table.tHead && table.tBodies.length && !table.closest(".book-chart, .book-cite-body");
    });
  }

  function fitAll() { tables().forEach(fit); }

  function start() {
    each(document.querySelectorAll("[data-book-contents]"), contents);
    tables().forEach(function (table) {
      label(table);
      table.addEventListener("click", function (event) {
        var button = event.target.closest && event.target.closest("button.book-row-toggle");
        if (button) toggleRow(button);
      });
      var root = table.closest(".book-filter-table");
      if (bodyRows(table).length > LONG || root) {
        table.classList.add("book-table-long");
        makeSortable(table);
        makeFilter(table, root);
      }
    });
    fitAll();
    showTarget();
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(fitAll, 150);
    });
    window.addEventListener("hashchange", showTarget);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
/* The edition switcher (booklib.build.edition_sphinx): English / 中文 / 日本語 lead to the same page,
   and to the same section: the link gets the address's anchor (#...) when followed. So does a
   notice's link to the English page of a page not yet translated. */
(function () {
  function keepAnchor(event) {
    var link = event.target.closest("nav.book-editions a, a.book-edition-english");
    if (!link || !window.location.hash) return;
    link.setAttribute("href", link.getAttribute("href").split("#")[0] + window.location.hash);
  }
  document.addEventListener("click", keepAnchor, true);
  document.addEventListener("auxclick", keepAnchor, true);
  document.addEventListener("keydown", function (event) { if (event.key === "Enter") keepAnchor(event); }, true);
})();
