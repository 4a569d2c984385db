/* Cite controls (booklib.build.cite_sphinx): each is a <details> (opened by click, Enter or Space)
   holding one <pre> per format. When one is first opened, each <pre> gets a heading and a
   button that copies it with one click, offline. The rows of a table cited one by one (the
   claims ledger) get their controls here, from the page's one template. Also follows anchors
   that moved (anchors.yml). */
(function () {
  "use strict";

  // The template's placeholders (booklib.citation.ROW_PLACEHOLDERS) and, per format, how
  // booklib.citation escapes a value there: BibTeX's dashes and specials, a JSON string's quotes.
  var PLACEHOLDER = /BOOKCITEROW(NUMBER|TITLE|ANCHOR)/g;
  var ESCAPE = {
    text: function (value) { return value; },
    ris: function (value) { return value; },
    bibtex: function (value) {
      return value.replace(/\u2013/g, "--").replace(/\u2014/g, "---").replace(/([&%$#_{}])/g, "\\$1");
    },
    csl: function (value) { return JSON.stringify(value).slice(1, -1); }
  };

  function fillIn(text, row, escape) {
    return text.replace(PLACEHOLDER, function (placeholder, field) { return escape(row[field]); });
  }

  function addRowControls() {
    var template = document.getElementById("book-cite-row-template");
    if (!template) return;
    Array.prototype.forEach.call(document.querySelectorAll("td.book-cite-cell[data-cite-row]"), function (cell) {
      var tr = cell.closest("tr");
      var row = {NUMBER: tr.getAttribute("data-cite-number"), TITLE: tr.getAttribute("data-cite-title"), ANCHOR: tr.id};
      var control = template.content.firstElementChild.cloneNode(true);
      control.setAttribute("data-cite-anchor", fillIn(control.getAttribute("data-cite-anchor"), row, ESCAPE.text));
      var summary = control.querySelector("summary");
      summary.title = fillIn(summary.title, row, ESCAPE.text);
      Array.prototype.forEach.call(control.querySelectorAll("pre[data-cite-format]"), function (pre) {
        pre.textContent = fillIn(pre.textContent, row, ESCAPE[pre.getAttribute("data-cite-format")]);
      });
      cell.appendChild(control);
    });
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function addButtons(control) {
    if (control.getAttribute("data-ready")) return;
    control.setAttribute("data-ready", "1");
    Array.prototype.forEach.call(control.querySelectorAll("pre[data-cite-format]"), function (pre) {
      var name = pre.getAttribute("data-cite-name");
      var box = document.createElement("div");
      box.className = "book-cite-format";
      var head = document.createElement("div");
      head.className = "book-cite-head";
      var label = document.createElement("span");
      label.textContent = name;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "book-cite-copy";
      button.setAttribute("data-cite-format", pre.getAttribute("data-cite-format"));
      button.textContent = bookWord("Copy {name}", {name: name});
      head.appendChild(label);
      head.appendChild(button);
      pre.parentNode.insertBefore(box, pre);
      box.appendChild(head);
      box.appendChild(pre);
    });
  }

  // 'toggle' does not bubble: listen in the capture phase.
  document.addEventListener("toggle", function (event) {
    var control = event.target;
    if (control.classList && control.classList.contains("book-cite") && control.open) addButtons(control);
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".book-cite-copy") : null;
    if (!button) return;
    var control = button.closest(".book-cite");
    var pre = button.closest(".book-cite-format").querySelector("pre");
    var format = button.getAttribute("data-cite-format");
    var status = control.querySelector(".book-cite-status");
    copy(pre.textContent + (format === "text" ? "" : "\n")).then(function (ok) {
      status.textContent = ok ? bookWord("{name} copied.", {name: pre.getAttribute("data-cite-name")}) : bookWord("Select the text and copy it.");
      control.setAttribute("data-copied", format);
    });
  });

  function followMoved() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    var href = target && target.getAttribute("data-book-moved");
    if (href) location.replace(href);
  }
  window.addEventListener("hashchange", followMoved);
  function ready() {
    addRowControls();
    followMoved();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready); else ready();
})();
