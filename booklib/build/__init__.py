"""The build side: what only the book's build loads (Sphinx extensions and the tools that
write the build's inputs), never a chapter.

- `sphinx_ext`: the offline Vega bundle, citation boxes, re-execution when data change;
- `cite_sphinx`: cite controls, whole-book citation files, anchors, Revisions and
  Reproducibility pages, the data release;
- `notebooks`: each page's downloadable notebook;
- `latex_tables`: long tables that wrap in the PDF;
- `bib`: `references.bib` from `data/sources.csv` (`make bib`);
- `static/`: the browser's scripts and styles.

It may import the reader-side library, the models, Sphinx and docutils; nothing outside
`booklib.build` imports it.
"""
