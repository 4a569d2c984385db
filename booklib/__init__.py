"""The shared library of the book: validated data, house-style figures, glued numbers."""

from booklib.charts import ECONOMY_COLORS, BookFigure, book_figure, economy_color
from booklib.data import DataError, latest_vintage, load, split_ids
from booklib.prose import glue_number, glue_text

__all__ = [
    "ECONOMY_COLORS",
    "BookFigure",
    "DataError",
    "book_figure",
    "economy_color",
    "glue_number",
    "glue_text",
    "latest_vintage",
    "load",
    "split_ids",
]
