/* The edition switcher (booklib.build.edition_sphinx): English / 中文 / 日本語 lead to the same page,
   and to the same section: the link gets the address's anchor (#...) when followed. So does a
   notice's link to the English page of a page not yet translated. */
(function () {
  function keepAnchor(event) {
    var link = event.target.closest("a.book-edition-link, a.book-edition-english");
    if (!link || !window.location.hash) return;
    link.setAttribute("href", link.getAttribute("href").split("#")[0] + window.location.hash);
  }
  document.addEventListener("click", keepAnchor, true);
  document.addEventListener("auxclick", keepAnchor, true);
  document.addEventListener("keydown", function (event) { if (event.key === "Enter") keepAnchor(event); }, true);
})();
