/* Cite controls (booklib.cite_sphinx): copy a citation with one click, offline.
   Each control is a <details> (opened by click, Enter or Space) holding one <pre> per
   format and a button that copies it. Also follows anchors that moved (anchors.yml). */
(function () {
  "use strict";

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

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".book-cite-copy") : null;
    if (!button) return;
    var box = button.closest(".book-cite-format");
    var control = button.closest(".book-cite");
    var pre = box && box.querySelector("pre");
    if (!pre) return;
    var name = button.getAttribute("data-cite-format");
    var status = control && control.querySelector(".book-cite-status");
    copy(pre.textContent + (name === "text" ? "" : "\n")).then(function (ok) {
      if (status) status.textContent = ok ? button.textContent.replace(/^Copy /, "") + " copied." : "Select the text and copy it.";
      control.setAttribute("data-copied", name);
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
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", followMoved); else followMoved();
})();
