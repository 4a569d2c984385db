"""The shared library of the book: validated data, house-style figures, glued numbers.

Names are imported on first use (PEP 562), so that the Sphinx extension,
`booklib.sphinx_ext`, loads without pandas or Altair and no-op rebuilds stay fast.
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
