"""The shared library of the book: validated data, house-style figures, glued numbers.

Three parts:
- here, the reader-side library a chapter imports: `data` (load and validate tables),
  `paths`, `formats` (numbers and dates from their unit), `charts` (the house style,
  `book_figure`), `prose` (glue, `require`, tables in the schema's words), `sources` (citations
  linked to the bibliography), `explorer` (scenario explorers),
  `dictionary` (the data dictionary page), `citation` (the citation formats). It imports
  neither `booklib.models` nor `booklib.build`, nor Sphinx or docutils;
- `booklib.models`: the book's four models, which may import the library here;
- `booklib.build`: what only the build loads (Sphinx extensions, `make bib`), which may
  import both;
- `booklib.refresh`: `make refresh` (fetch, parse, stage and apply the official series), which
  may import the library here and `booklib.build.bib`; nothing else in the book imports it.

Names are imported on first use (PEP 562), so that the Sphinx extension,
`booklib.build.sphinx_ext`, loads without pandas or Altair and no-op rebuilds stay fast.
"""

from importlib import import_module

_EXPORTS = {
    "ECONOMY_COLORS": "booklib.charts",
    "BookFigure": "booklib.charts",
    "book_figure": "booklib.charts",
    "economy_color": "booklib.charts",
    "label_values": "booklib.charts",
    "DataError": "booklib.data",
    "latest_vintage": "booklib.data",
    "load": "booklib.data",
    "sources_of": "booklib.data",
    "split_ids": "booklib.data",
    "glue_facts": "booklib.prose",
    "require": "booklib.prose",
    "glue_text": "booklib.prose",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'booklib' has no attribute {name!r}")
